"""Merged ranges (R33): a merged range's value counts in every cell it covers, as Excel shows
it, whichever reader read the sheet."""

from imports.reader.base import CELL_REF, MAX_COLUMNS, MAX_ROWS, Parsed
from imports.reader.cells import column_index


class Merges:
    """Merged ranges with more than one cell: the top-left cell's value (or problem) shows in
    every cell of the range, as in Excel (R33)."""

    def __init__(self, refs: list[str], last_row: int):
        """`last_row`: the last row with cells of its own; a range reaching below it is
        formatting, not rows of data (a range over a whole column must not make a million)."""
        self.by_top: dict[int, list[tuple[int, int, int]]] = {}  # row -> (col1, col2, row2)
        self.active: list[tuple[int, int, int, str, str | None]] = []
        for ref in refs:
            corners = ref.split(":")
            matches = [m for corner in corners if (m := CELL_REF.fullmatch(corner))]
            if len(corners) != 2 or len(matches) != 2:
                continue
            (c1, r1), (c2, r2) = ((column_index(m.group(1)), int(m.group(2))) for m in matches)
            c1, c2, r1, r2 = min(c1, c2), max(c1, c2), min(r1, r2), max(r1, r2)
            c2, r2 = min(c2, MAX_COLUMNS - 1), min(r2, last_row or MAX_ROWS, MAX_ROWS)
            if (c1, r1) != (c2, r2) and c1 < MAX_COLUMNS:
                self.by_top.setdefault(r1, []).append((c1, c2, r2))

    def __bool__(self):
        return bool(self.by_top)

    def rows(self, parsed: Parsed) -> Parsed:
        """The rows with merged values filled in, and the rows a range covers that the XML
        leaves out."""
        last = 0
        for row_no, cells, problems in parsed:
            yield from self._gap(last, row_no)
            yield self._fill(row_no, cells, problems)
            last = row_no
        yield from self._gap(last, MAX_ROWS + 1)

    def _gap(self, last: int, next_row: int) -> Parsed:
        row_no = last + 1
        while row_no < next_row:
            self.active = [a for a in self.active if a[2] >= row_no]
            if not self.active:
                return
            yield self._fill(row_no, (), None)
            row_no += 1

    def _fill(self, row_no, cells, problems):
        self.active = [a for a in self.active if a[2] >= row_no]
        for c1, c2, r2 in self.by_top.get(row_no, ()):
            text = cells[c1] if c1 < len(cells) else ""
            problem = problems.get(c1) if problems else None
            if text or problem:
                self.active.append((c1, c2, r2, text, problem))
        if not self.active:
            return row_no, cells, problems
        values = list(cells)
        for c1, c2, _r2, text, problem in self.active:
            if len(values) <= c2:
                values.extend([""] * (c2 + 1 - len(values)))
            for column in range(c1, c2 + 1):
                if problem:
                    problems = problems or {}
                    problems.setdefault(column, problem)
                elif not values[column]:
                    values[column] = text
        return row_no, tuple(values), problems
