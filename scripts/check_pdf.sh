#!/usr/bin/env bash
# Render the seed briefing with both templates, convert to PDF with LibreOffice, check that CJK
# fonts are embedded, and render the pages to PNG for a person to look at.
#
#   scripts/check_pdf.sh [OUTDIR]        (default outputs/pdfcheck)
#
# Needs (Debian): libreoffice-writer fonts-noto-cjk poppler-utils (python3-uno to update the TOC).
# Not part of `make test`.
# Exit status: 0 when every PDF was written and embeds a CJK font; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-outputs/pdfcheck}
PY=${PY:-.venv/bin/python}
mkdir -p "$OUT"
for tool in soffice pdffonts pdftoppm; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found; apt-get install libreoffice-writer fonts-noto-cjk poppler-utils" >&2; exit 1; }
done
# A private LibreOffice profile: no clash with a running office, nothing written to $HOME.
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
export FONTCONFIG_FILE="$PWD/scripts/fonts-cjk.conf"

status=0
for template in plain gongwen; do
  docx="$OUT/seed-$template.docx"
  "$PY" -m summarizer brief seeds/ -o "$docx" --template "$template" --issue 1 --unit 编印单位 >/dev/null
  pdf="${docx%.docx}.pdf"
  rm -f "$pdf"
  if /usr/bin/python3 -c "import uno" 2>/dev/null; then
    # Through UNO: the TOC and fields are updated first (page numbers in the 目录), as Word does on open.
    /usr/bin/python3 scripts/lo_pdf.py "$docx" "$pdf" "$PROFILE" >/dev/null
  else
    echo "note: python3-uno not installed; the PDF's 目录 shows its entries without page numbers"
    soffice -env:UserInstallation="file://$PROFILE" --headless --convert-to pdf --outdir "$OUT" "$docx" >/dev/null 2>&1
  fi
  if [[ ! -s "$pdf" ]]; then
    echo "FAIL $template: LibreOffice wrote no PDF"; status=1; continue
  fi
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  cjk=$(pdffonts "$pdf" | awk 'NR > 2 && $0 ~ /CJK|Han|Song|Hei|Kai|Fang|Ming/ && $(NF-4) == "yes" {print $1}' | sed 's/^[A-Z]*+//' | sort -u | paste -sd, -)
  if [[ -z "$cjk" ]]; then
    echo "FAIL $template: no embedded CJK font in $pdf"; status=1
  else
    toc=$(pdftotext -l 2 "$pdf" - | grep -c '\.\.\.\. *[0-9]' || true)
    echo "ok   $template: $pdf, $pages pages, $toc TOC lines with page numbers, CJK fonts embedded: $cjk"
  fi
  rm -f "$OUT/seed-$template"-*.png
  pdftoppm -r 60 -png "$pdf" "$OUT/seed-$template"
done
echo "pages rendered to $OUT/seed-*.png"
exit $status
