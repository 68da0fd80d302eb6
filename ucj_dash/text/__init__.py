"""Words and numbers for people: translations (``i18n``) and Indonesian/English
number, percent and rupiah formats (``fmt``)."""
