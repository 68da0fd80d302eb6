"""The "Rencana pendanaan" PDF brief: one or two A4 pages with the plan's figures as worked out by hand
(the dataset and the plan of :mod:`tests.test_planbook`), its provenance and the simulated label."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ucj_dash.datasets import figures, store
from ucj_dash.datasets.composition import Composition
from ucj_dash.exports import planbrief
from ucj_dash.text import fmt
from tests.test_planbook import GROUPS, TOTAL, make, rows


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    with pytest.MonkeyPatch.context() as m:
        m.setenv("UCJ_DATA_DIR", str(tmp_path_factory.mktemp("planbrief") / "data"))
        figures.forget()
        out = {}
        for which, simulated, dataset_id in (("sim", True, "buku-uji"), ("real", False, "buku-resmi")):
            meta, frame = rows(simulated=simulated, dataset_id=dataset_id)
            store.save(meta, frame)
            out[which] = figures.load(Composition.of({g: meta.id for g in GROUPS}))
        yield out
    figures.forget()


def read(data: bytes) -> tuple[PdfReader, str]:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2
    for page in reader.pages:
        width, height = (float(v) for v in page.mediabox.upper_right)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    return reader, " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def test_indonesian_brief_has_the_hand_computed_figures(ds, registry):
    plan = make(ds, registry)
    reader, text = read(planbrief.plan_pdf(plan, ds["sim"], registry, "id"))
    assert "Rencana pendanaan: Kabupaten Timor Tengah Selatan (53.02)" in text
    assert "Tujuan: Melindungi semua pekerja rentan · tahun 2026–2028" in text
    # inputs
    assert "JKK + JKM, Rp 16.800 per pekerja per bulan" in text
    assert "bagian pekerja baru per tahun: 2026: 50,00%, 2027: 30,00%, 2028: 20,00%" in text
    assert "APBD kabupaten/kota: 40,00% dari biaya setiap tahun" in text
    assert "BKBK (bantuan keuangan provinsi ke desa): Rp 9.000.000 per tahun (jumlah tetap)" in text
    assert "Rp 200.000.000 per desa per tahun (APBDes TTS 2025 (uji)); batas beban 5,00% dari anggaran" in text
    # key figures
    assert "Pekerja yang didaftarkan 300 orang" in text
    assert f"Total biaya {fmt.rupiah(TOTAL, 'id')} (Rp 139.104.000)" in text
    assert "Belum terdanai Rp21,7 juta (Rp 21.686.400)" in text
    assert "Terdanai Rp117,4 juta (Rp 117.417.600)" in text
    assert "Cakupan UCJ tercapai pada 2028 36,00%" in text
    # by year: year, new, cumulative, cost, coverage, funded, unfunded
    assert "2026 150 150 30.240.000 30,00% 28.656.000 1.584.000" in text
    assert "2027 90 240 48.384.000 33,60% 40.449.600 7.934.400" in text
    assert "2028 60 300 60.480.000 36,00% 48.312.000 12.168.000" in text
    assert "Jumlah 300 139.104.000 117.417.600 21.686.400" in text
    # by source
    assert "APBD kabupaten/kota 40,00% dari biaya setiap tahun 55.641.600 40,0%" in text
    assert "APBDes (anggaran desa) 25,00% dari biaya setiap tahun 34.776.000 25,0%" in text
    assert "Rp 9.000.000 per tahun (tetap) 27.000.000 19,4%" in text
    assert "Belum terdanai 21.686.400 15,6%" and "Total biaya 139.104.000 100,0%" in text
    # burden: APBDes on 2 desa, one above the 5% limit; BKBK on 3 villages, none above
    assert "Beban per desa/kelurahan, 2028" in text
    assert "15.120.000 2 dengan data" in text and "Rp 10.800.000 — " + registry.name("53.02.05.2001") in text
    assert "1 dari 2 desa di atas Rp 10.000.000 (5,00% dari Rp 200.000.000; APBDes TTS 2025 (uji))" in text
    assert "0 dari 3 desa di atas Rp 10.000.000" in text
    assert f"{registry.name('53.02.05.2001')} (53.02.05.2001) — di atas batas 150 10.800.000 5,40%" in text
    # notes, provenance (dataset names escaped, not dropped), the simulated label on every page
    assert next(n["id"] for n in plan.notes if n["key"] == "plan.note.unfunded") in text
    assert ("Cakupan pekerja rentan — pembilang: Buku uji <perencana>, Des 2025 (simulasi) · penyebut: Buku uji "
            "<perencana>, Des 2025 (simulasi)") in text
    assert "Cakupan UCJ — pembilang: Buku uji <perencana>, Des 2025 (simulasi)" in text
    assert "Buku uji <perencana> (buku-uji, versi 1)" in text
    assert "PP 44/2015" in text
    assert "DATA SIMULASI / SIMULATED DATA — bukan data resmi BPJS Ketenagakerjaan." in text
    for page in reader.pages:
        assert "DATA SIMULASI / SIMULATED DATA" in page.extract_text()


def test_english_brief(ds, registry):
    plan = make(ds, registry, goal="target", split="apbd_prov=30,csr=Rp500.000.000")
    _, text = read(planbrief.plan_pdf(plan, ds["sim"], registry, "en"))
    for heading in ("Funding plan: Kabupaten Timor Tengah Selatan (53.02)", "Inputs", "Key figures", "By year",
                    "By funding source, 2026–2028", "Notes", "Source of each figure", "SIMULATED DATA / DATA SIMULASI"):
        assert heading in text, heading
    assert "Reach the UCJ coverage target of 52.15%" in text and "target 52.15%" in text
    assert "UCJ coverage target 52.15%: Kemendagri" in text
    assert f"Workers to enrol {fmt.number(plan.workers_to_enrol, 'en')} persons" in text
    assert fmt.number(plan.overfunded_rupiah, "en") in text  # CSR's fixed amount is above the cost
    assert next(n["en"] for n in plan.notes if n["key"] == "plan.note.overfunded") in text
    assert "Rencana" not in text and "Angka kunci" not in text
    assert "Burden per village" not in text  # no source paid per village


def test_no_data_plan_says_why_and_never_rp0(ds, registry):
    plan = make(ds, registry, code="53.02.05.2003")
    assert plan.workers_to_enrol is None
    _, text = read(planbrief.plan_pdf(plan, ds["sim"], registry, "id"))
    assert "Pekerja yang didaftarkan — Total biaya — Belum terdanai —" in text
    assert plan.no_data["reason"]["id"] in text
    assert "Rp 0" not in text and "Rp0" not in text
    assert "Per tahun" not in text


def test_real_data_has_no_simulated_label(ds, registry):
    plan = make(ds, registry, which="real")
    reader, text = read(planbrief.plan_pdf(plan, ds["real"], registry, "id"))
    assert "SIMULASI" not in text.upper().replace("(SIMULASI)", "")
    assert "Buku uji <perencana> (buku-resmi, versi 1)" in text


def test_a_long_plan_with_every_source_stays_on_two_pages(ds, registry):
    plan = make(ds, registry, years="2026-2055", phasing="linear",
                split="apbd_prov=10,apbd_kab=10,apbdes=10,bkbk=10,csr=10,baznas=10,other=Rp1.000.000")
    reader, text = read(planbrief.plan_pdf(plan, ds["sim"], registry, "id"))
    assert len(reader.pages) == 2
    assert "2055" in text and "BAZNAS" in text and "Lainnya" in text
