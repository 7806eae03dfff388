#!/bin/sh
# Seeds fuzz/corpus/<target>/ from the committed fixtures (the corpora themselves are not
# committed). Run from fuzz/: ./seed.sh
set -eu
root=$(cd .. && pwd)/fixtures
mkdir -p corpus/doc corpus/docx corpus/docx_xml corpus/xlsx corpus/xlsx_sheet corpus/recognise corpus/image_table corpus/html corpus/pdf
cp "$root"/samples/*.docx "$root"/broken/* corpus/docx/ 2>/dev/null || true
cp "$root"/broken/*.xlsx corpus/xlsx/
cp "$root"/html/* "$root"/samples/*.html "$root"/broken/*.htm* "$root"/broken/*.mht "$root"/broken/*.doc "$root"/real/*.html corpus/html/
cp "$root"/doc/* "$root"/broken/*.doc "$root"/broken/*.wps corpus/doc/
python3 - "$root" <<'PY'
import sys, zipfile, glob, os
root = sys.argv[1]
# Table pictures: the media of every sample (the seed's three rendered tables among them).
for path in sorted(glob.glob(root + "/samples/*.docx")):
    z = zipfile.ZipFile(path)
    for n in z.namelist():
        if n.startswith("word/media/"):
            open(f"corpus/image_table/{os.path.basename(path)}-{os.path.basename(n)}", "wb").write(z.read(n))
for i, path in enumerate(sorted(glob.glob(root + "/samples/*.docx"))):
    z = zipfile.ZipFile(path)
    names = {n.lower(): n for n in z.namelist()}
    def part(n):
        return z.read(names[n]) if n in names else b""
    main = [n for n in names if n.endswith(".xml") and n.startswith("word/") and "document" in n or n == "word/report.xml"]
    doc = part(main[0]) if main else b""
    # document.xml 0xFF styles.xml 0xFF numbering.xml 0xFF header1.xml
    seed = b"\xff".join([doc, part("word/styles.xml"), part("word/numbering.xml"), part("word/header1.xml")])
    open(f"corpus/docx_xml/{os.path.basename(path)}", "wb").write(seed)
    # The recogniser's text form: paragraphs, and table rows as |cell|cell.
    import re
    text = re.sub(rb"</w:p>", b"\n", doc)
    text = re.sub(rb"</w:tc>", b"|", text)
    text = re.sub(rb"<w:tr[ >]", b"\n|<", text)
    text = re.sub(rb"<[^>]*>", b"", text)
    open(f"corpus/recognise/{os.path.basename(path)}.txt", "wb").write(text)
sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>12</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>\xe5\xb9\xb4\xe6\x8a\xa5</t></is></c><c r="C2"><f>SUM(B1:B1)</f></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells></worksheet>'
strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>\xe6\x80\xbb\xe8\xae\xa1</t></si></sst>'
open("corpus/xlsx_sheet/seed", "wb").write(sheet + b"\xff" + strings)
PY
cp "$root"/real/*.pdf "$root"/pdf/*.pdf "$root"/broken/pdf_broken_xref.pdf "$root"/broken/pdf_incremental_update.pdf corpus/pdf/
echo "seeded: $(ls corpus/*/ | wc -l) files"
