/* Presentation mode (pages/present.py): keyboard and presentation clickers.
 *
 * Runs in a hidden same-origin iframe and listens for keydown on the app's document (and on the
 * same-origin iframes in it, e.g. the map, so keys work after a click on the map). A key clicks the
 * slide button of its action (.st-key-present_<action> button). A key pressed before that button is
 * on the page (the script run is still drawing the slide) is kept and pressed as soon as the button
 * appears, for up to PENDING_MS: keys are never dropped. A new copy of this script replaces the old
 * listeners, and they go when it unloads.
 */
(function () {
  var win = window.parent, doc = win.document;
  var ACTIONS = {ArrowRight: 'next', PageDown: 'next', ' ': 'next', Spacebar: 'next', ArrowLeft: 'prev',
                 PageUp: 'prev', Home: 'first', End: 'last', Escape: 'exit'};
  var PENDING_MS = 10000;
  var pending = null;  // {action, until}: a key whose button was not on the page yet
  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
  }
  function press(action) {
    var button = doc.querySelector('.st-key-present_' + action + ' button');
    if (!button) {
      pending = {action: action, until: Date.now() + PENDING_MS};
      return;
    }
    pending = null;
    if (!button.disabled) button.click();
  }
  function onKey(ev) {
    var action = ACTIONS[ev.key];
    if (!action || ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || typing(ev.target)) return;
    ev.preventDefault();
    ev.stopPropagation();
    var active = ev.target && ev.target.ownerDocument && ev.target.ownerDocument.activeElement;
    if (active && active.blur && active.tagName === 'BUTTON') active.blur();
    press(action);
  }
  if (win.__ucjPresentKeys) win.__ucjPresentKeys.detach();
  var docs = [], watched = new WeakSet(), alive = true;
  function attach(d) {
    if (!alive || !d || !d.documentElement || docs.indexOf(d) >= 0) return;
    d.addEventListener('keydown', onKey, true);
    d.documentElement.setAttribute('data-ucj-present-keys', 'on');  // tests wait for this
    docs.push(d);
  }
  function watch(frame) {  // a frame's document is replaced when it loads: follow it
    if (watched.has(frame) || frame.contentWindow === window) return;
    watched.add(frame);
    frame.addEventListener('load', function () { try { attach(frame.contentDocument); } catch (e) {} });
  }
  function onChange() {
    docs = docs.filter(function (d) { return d.defaultView; });  // forget documents that are gone
    attach(doc);
    var frames = doc.querySelectorAll('iframe');
    for (var i = 0; i < frames.length; i++) {
      try { watch(frames[i]); if (frames[i].contentWindow !== window) attach(frames[i].contentDocument); }
      catch (e) { /* another origin */ }
    }
    if (pending) {
      if (Date.now() > pending.until) pending = null;
      else press(pending.action);
    }
  }
  var observer = new MutationObserver(onChange);
  observer.observe(doc.body, {childList: true, subtree: true});
  var me = {detach: function () {
    alive = false;
    pending = null;
    observer.disconnect();
    docs.forEach(function (d) {
      try { d.removeEventListener('keydown', onKey, true); d.documentElement.removeAttribute('data-ucj-present-keys'); }
      catch (e) {}
    });
    docs = [];
    if (win.__ucjPresentKeys === me) win.__ucjPresentKeys = null;
  }};
  win.__ucjPresentKeys = me;
  onChange();
  window.addEventListener('pagehide', me.detach);
  window.addEventListener('unload', me.detach);
})();
