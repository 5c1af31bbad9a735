"""Convert a .docx to PDF with LibreOffice, updating the table of contents and fields first.

``soffice --convert-to pdf`` prints fields as stored, so the TOC would show its placeholder
entries without page numbers; this script opens the file through UNO, updates every index and
field (what Word does on open, as w:updateFields asks) and exports the PDF.

Run with the system Python that has the ``uno`` module (Debian: python3-uno):
    /usr/bin/python3 scripts/lo_pdf.py IN.docx OUT.pdf [PROFILE_DIR]
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def convert(src: Path, dst: Path, profile: Path) -> None:
    pipe = f"lo_pdf_{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
        for _ in range(100):  # LibreOffice takes a few seconds to listen
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.2)
        else:
            raise RuntimeError("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(src.resolve().as_uri(), "_blank", 0, (_prop("Hidden", True),))
        try:
            indexes = doc.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            doc.getTextFields().refresh()
            doc.storeToURL(dst.resolve().as_uri(), (_prop("FilterName", "writer_pdf_Export"),))
            print(f"{dst}: {indexes.getCount()} index(es) updated")
        finally:
            doc.close(True)
        with contextlib.suppress(Exception):  # the bridge drops while LibreOffice exits
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        convert(source, target, Path(sys.argv[3]) if len(sys.argv) > 3 else Path(tmp))
