"""Renders a terminal capture (`tmux capture-pane -e -p`: text with SGR colour codes) into a PNG, one monospace cell
per character, with Debian's DejaVu Sans Mono (fonts-dejavu-core)."""

import argparse
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = '/usr/share/fonts/truetype/dejavu/'
FONT_SIZE = 15
LINE_SPACING = 1.25
PADDING = 12
DEFAULT_FG = (224, 226, 234)
# Neovim's default dark `Normal` background: cells the capture leaves uncoloured look like the editor's.
DEFAULT_BG = (20, 22, 27)
# The xterm palette for the 16 basic colours and the 256-colour cube.
BASIC = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
    (255, 255, 255),
]
# Box-drawing characters are drawn as lines to the cell's edges: font glyphs leave gaps between taller cells.
BOX = {
    '─': 'lr', '│': 'ud', '╭': 'rd', '┌': 'rd', '╮': 'ld', '┐': 'ld', '╰': 'ru', '└': 'ru', '╯': 'lu', '┘': 'lu',
    '├': 'udr', '┤': 'udl', '┬': 'lrd', '┴': 'lru', '┼': 'lrud',
}
SGR = re.compile(r'\x1b\[([0-9;:]*)m')
OTHER_ESCAPE = re.compile(r'\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][A-Za-z0-9])')


def palette(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    grey = 8 + (n - 232) * 10
    return (grey, grey, grey)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.italic = self.underline = self.reverse = False

    def apply(self, params):
        codes = [int(p) if p else 0 for p in re.split('[;:]', params)] if params else [0]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour, i = palette(codes[i + 2]), i + 3
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour, i = tuple(codes[i + 2:i + 5]), i + 5
                else:
                    i += 2
                    continue
                if code == 38:
                    self.fg = colour
                else:
                    self.bg = colour
                continue
            if code == 0:
                self.reset()
            elif code == 1:
                self.bold = True
            elif code == 3:
                self.italic = True
            elif code in (4, 21):
                self.underline = True
            elif code == 7:
                self.reverse = True
            elif code == 22:
                self.bold = False
            elif code == 23:
                self.italic = False
            elif code == 24:
                self.underline = False
            elif code == 27:
                self.reverse = False
            elif 30 <= code <= 37:
                self.fg = BASIC[code - 30]
            elif 90 <= code <= 97:
                self.fg = BASIC[code - 90 + 8]
            elif code == 39:
                self.fg = None
            elif 40 <= code <= 47:
                self.bg = BASIC[code - 40]
            elif 100 <= code <= 107:
                self.bg = BASIC[code - 100 + 8]
            elif code == 49:
                self.bg = None
            i += 1

    def colours(self):
        fg, bg = self.fg or DEFAULT_FG, self.bg or DEFAULT_BG
        return (bg, fg) if self.reverse else (fg, bg)


def cells(line, style):
    """Yields (char, width, fg, bg, bold, italic, underline) for each character of one captured line."""
    pos = 0
    for match in SGR.finditer(line):
        yield from chars(OTHER_ESCAPE.sub('', line[pos:match.start()]), style)
        style.apply(match.group(1))
        pos = match.end()
    yield from chars(OTHER_ESCAPE.sub('', line[pos:]), style)


def chars(text, style):
    for char in text:
        if unicodedata.combining(char):
            continue
        width = 2 if unicodedata.east_asian_width(char) in ('W', 'F') else 1
        fg, bg = style.colours()
        yield char, width, fg, bg, style.bold, style.italic, style.underline


def box(draw, x, y, cell_w, cell_h, sides, colour):
    cx, cy = x + cell_w // 2, y + cell_h // 2
    ends = {'l': (x, cy), 'r': (x + cell_w - 1, cy), 'u': (cx, y), 'd': (cx, y + cell_h - 1)}
    for side in sides:
        draw.line([(cx, cy), ends[side]], fill=colour, width=1)


def render(lines, columns, out):
    fonts = {
        (bold, italic): ImageFont.truetype(
            FONT_DIR + 'DejaVuSansMono' + {(0, 0): '', (1, 0): '-Bold', (0, 1): '-Oblique', (1, 1): '-BoldOblique'}[
                (bold, italic)] + '.ttf', FONT_SIZE)
        for bold in (0, 1) for italic in (0, 1)
    }
    cell_w = round(fonts[(0, 0)].getlength('M'))
    cell_h = round(FONT_SIZE * LINE_SPACING)
    image = Image.new('RGB', (columns * cell_w + 2 * PADDING, len(lines) * cell_h + 2 * PADDING), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    grid = []
    style = Style()
    for row, line in enumerate(lines):
        col = 0
        for char, width, fg, bg, bold, italic, underline in cells(line, style):
            if col >= columns:
                break
            grid.append((PADDING + col * cell_w, PADDING + row * cell_h, char, width, fg, bg, bold, italic, underline))
            col += width
    # Backgrounds first: glyphs that reach below their cell (`_`, `g`) must not be painted over by the next row.
    for x, y, _, width, _, bg, *_ in grid:
        draw.rectangle([x, y, x + width * cell_w - 1, y + cell_h - 1], fill=bg)
    for x, y, char, width, fg, _, bold, italic, underline in grid:
        if char in BOX:
            box(draw, x, y, cell_w, cell_h, BOX[char], fg)
        elif char != ' ':
            draw.text((x, y + (cell_h - FONT_SIZE) // 2), char, font=fonts[(int(bold), int(italic))], fill=fg)
        if underline:
            draw.line([x, y + cell_h - 2, x + width * cell_w - 1, y + cell_h - 2], fill=fg)
    image.save(out, optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--columns', type=int, required=True)
    parser.add_argument('capture')
    parser.add_argument('png')
    args = parser.parse_args()
    with open(args.capture, encoding='utf-8') as f:
        lines = f.read().rstrip('\n').split('\n')
    render(lines, args.columns, args.png)


if __name__ == '__main__':
    sys.exit(main())
