"""Workbooks written as package XML directly, for what openpyxl cannot make: other part layouts,
Strict Open XML, namespace prefixes, formulas with or without cached values, error cells and
characters an .xlsx escapes (`_x000B_`)."""

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from imports.reader import column_letter

TRANSITIONAL = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
)
STRICT = (
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


class Raw(str):
    """A cell written as is: the XML inside <c r=".."> and its attributes, e.g.
    Raw('<f>1+1</f><v>2</v>') or Raw('<v>#N/A</v>', t="e")."""

    def __new__(cls, inner: str, **attrs):
        cell = super().__new__(cls, inner)
        cell.attrs = attrs
        return cell


def _text(value: str) -> str:
    """Characters XML cannot hold, escaped as Excel does (`_x000B_`)."""
    out = []
    for character in value:
        code = ord(character)
        if (
            code < 0x20
            and character not in "\t\n\r"
            or 0xD800 <= code <= 0xDFFF
            or code in (0xFFFE, 0xFFFF)
        ):
            out.append(f"_x{code:04X}_")
        else:
            out.append(character)
    return escape("".join(out))


def sheet_xml(
    rows: list[list],
    *,
    p: str = "",
    main: str = TRANSITIONAL[0],
    merges: tuple[str, ...] = (),
    styles: dict | None = None,
) -> str:
    """`rows` from row 1; a cell is "" (absent), str, int/float, or Raw. `p` is a prefix
    ("x:") bound to the main namespace; `styles` maps "B2" to a style index."""
    styles = styles or {}
    xmlns = f'xmlns:{p[:-1]}="{main}"' if p else f'xmlns="{main}"'
    body = []
    for row_no, row in enumerate(rows, start=1):
        cells = []
        for index, value in enumerate(row):
            ref = f"{column_letter(index)}{row_no}"
            style = f' s="{styles[ref]}"' if ref in styles else ""
            if isinstance(value, Raw):
                attrs = "".join(f' {k}="{v}"' for k, v in value.attrs.items())
                cells.append(f'<{p}c r="{ref}"{style}{attrs}>{value}</{p}c>')
            elif isinstance(value, bool):
                cells.append(f'<{p}c r="{ref}" t="b"><{p}v>{int(value)}</{p}v></{p}c>')
            elif isinstance(value, int | float):
                cells.append(f'<{p}c r="{ref}"{style}><{p}v>{value}</{p}v></{p}c>')
            elif value != "":
                cells.append(
                    f'<{p}c r="{ref}"{style} t="inlineStr"><{p}is><{p}t xml:space='
                    f'"preserve">{_text(value)}</{p}t></{p}is></{p}c>'
                )
        body.append(f'<{p}row r="{row_no}">{"".join(cells)}</{p}row>')
    merged = ""
    if merges:
        merged = (
            f'<{p}mergeCells count="{len(merges)}">'
            + "".join(f'<{p}mergeCell ref="{ref}"/>' for ref in merges)
            + f"</{p}mergeCells>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}><{p}sheetData>'
        f"{''.join(body)}</{p}sheetData>{merged}</{p}worksheet>"
    )


def write_package(
    path: Path,
    rows: list[list],
    *,
    layout: str = "standard",
    strict: bool = False,
    p: str = "",
    merges: tuple[str, ...] = (),
    number_formats: dict[str, str] | None = None,
    calc_on_load: bool = False,
) -> Path:
    """A one-sheet workbook. layout: "standard" (xl/...), "flat" (no xl/ folder, odd names) or
    "backslash" (part names and targets with backslashes). number_formats: {"A2": "000000"}."""
    main, rel_ns, _ = STRICT if strict else TRANSITIONAL
    rel_type = (
        rel_ns if strict else "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    )
    folder = {"standard": "xl/", "flat": "", "backslash": "xl\\"}[layout]
    sep = "\\" if layout == "backslash" else "/"
    sheet_name = "sheets" + sep + "data.xml" if layout != "standard" else "worksheets/sheet1.xml"
    number_formats = number_formats or {}
    codes = list(dict.fromkeys(number_formats.values()))
    styles = {ref: codes.index(code) + 1 for ref, code in number_formats.items()}
    xfs = '<xf numFmtId="0"/>' + "".join(
        f'<xf numFmtId="{164 + i}" applyNumberFormat="1"/>' for i in range(len(codes))
    )
    fmts = "".join(
        f'<numFmt numFmtId="{164 + i}" formatCode="{escape(code)}"/>'
        for i, code in enumerate(codes)
    )
    styles_xml = (
        f'<?xml version="1.0"?><styleSheet xmlns="{main}"><numFmts count="{len(codes)}">'
        f'{fmts}</numFmts><cellXfs count="{len(codes) + 1}">{xfs}</cellXfs>'
        "</styleSheet>"
    )
    calc = '<calcPr fullCalcOnLoad="1"/>' if calc_on_load else ""
    workbook_xml = (
        f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:rel="{rel_ns}">'
        f'<sheets><sheet name="Customers" sheetId="1" rel:id="rIdSheet"/></sheets>'
        f"{calc}</workbook>"
    )
    workbook_rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rIdSheet" Type="{rel_type}/worksheet" '
        f'Target="{sheet_name}"/>'
        f'<Relationship Id="rIdStyles" Type="{rel_type}/styles" '
        f'Target="styles.xml"/></Relationships>'
    )
    root_rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{rel_type}/officeDocument" '
        f'Target="{folder.replace(chr(92), "/")}book.xml"/></Relationships>'
    )
    content_types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        "</Types>"
    )
    parts = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": root_rels,
        f"{folder}book.xml": workbook_xml,
        f"{folder}_rels{sep}book.xml.rels": workbook_rels,
        f"{folder}{sheet_name}": sheet_xml(rows, p=p, main=main, merges=merges, styles=styles),
        f"{folder}styles.xml": styles_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8", "surrogatepass"))
    return path
