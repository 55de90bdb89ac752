"""`claude-usage history`: the charts of planted window readings, as text and as HTML."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from claude_usage.cli.app import app

from .conftest import missing
from .plant import NOW, agent_dir, cost, event, windows, write_events

runner = CliRunner()
H = 3600
R1, R2 = NOW - 3 * H, NOW + 2 * H  # two five_hour windows: the first reset 3 h ago
WEEK = NOW + 3 * 86400
A, B = "5eed0a11ce01", "5eed0b0b0202"
HOSTILE = "<script>document.title='pwned'</script>&\"x'\x1b"
SHOWN = HOSTILE.replace("\x1b", "?")  # a control character is no valid XML, nor for a terminal


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_USAGE_NOW", str(NOW))
    monkeypatch.setenv("COLUMNS", "78")  # 72 columns: 10 minutes each over --since 12h


def _at(at: int, used5: float | None, resets5: int, used7: float | None = None, **kw) -> dict:
    return event(
        at, kw.pop("session", "s-1"), cost(0.1), windows(used5, used7, resets5, WEEK), **kw
    )


@pytest.fixture
def host(tmp_path: Path) -> Path:
    """Two agents' files, two accounts, older numbers re-rendered, a window reset."""
    host = tmp_path / "host"
    alpha = dict(account=A, process="linux:boot0000:100:1")
    write_events(
        agent_dir(host, "agent-" + "a" * 32, "alpha"),
        [
            _at(NOW - 7 * H, 20, R1, 40, **alpha),
            _at(NOW - 6 * H, 50, R1, 40, **alpha),
            _at(NOW - 4 * H, 87, R1, 40, **alpha),
            _at(NOW - 1 * H, 23, R2, 45, **alpha),
            _at(NOW - 600, 23, R2, 45, **alpha),  # a re-render
        ],
    )
    beta = dict(account=A, process="linux:boot0000:200:1", session="s-2")
    other = dict(account=B, process="linux:boot0000:300:1", session="s-3")
    write_events(
        agent_dir(host, "agent-" + "b" * 32, "beta"),
        [
            _at(NOW - 5 * H, 30, R1, **beta),  # an idle session's older numbers
            _at(NOW - 3 * H - 1800, 40, R1, 40, **beta),
            _at(NOW - 2 * H, 10, R2, 40, **beta),
            _at(NOW - 2 * H, 5, NOW + 3 * H, **other),
            _at(NOW - 1800, 12, NOW + 3 * H, **other),
        ],
    )
    return host


def run(*args: str):
    return runner.invoke(app, ["history", *args])


CHARTS = """\
[claude]
5h (account 5eed0a11ce01): 23% now, peak 87%
100% ┤                                                ▄▄▄▄▄▄
     │                                                ██████
 50% ┤                                    ██████████████████
     │                              ▇▇▇▇▇▇██████████████████      ▄▄▄▄▄▄██████
  0% └────────────────────────────────────────────────────────────────────────
      2026-12-02 23:40                                    2026-12-03 11:40 UTC

7d (account 5eed0a11ce01): 45% now, peak 45%
100% ┤
     │
 50% ┤                              ▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▇▇▇▇▇▇
     │                              ██████████████████████████████████████████
  0% └────────────────────────────────────────────────────────────────────────
      2026-12-02 23:40                                    2026-12-03 11:40 UTC

5h (account 5eed0b0b0202): 12% now, peak 12%
100% ┤
     │
 50% ┤
     │                                                            ▂▂▂▂▂▂▂▂▂▄▄▄
  0% └────────────────────────────────────────────────────────────────────────
      2026-12-02 23:40                                    2026-12-03 11:40 UTC
"""


def test_text_charts(host: Path) -> None:
    result = run("--host-dir", str(host), "--since", "12h")
    assert result.exit_code == 0, result.output
    assert result.stdout == CHARTS
    assert result.stderr == "warning: [claude] snapshot last updated 10m ago\n"


def test_one_window(host: Path) -> None:
    by_label = run("--host-dir", str(host), "--since", "12h", "--window", "7d").stdout
    assert (
        by_label == run("--host-dir", str(host), "--since", "12h", "--window", "seven_day").stdout
    )
    assert by_label.splitlines()[1] == "7d (account 5eed0a11ce01): 45% now, peak 45%"
    assert "5h" not in by_label


def test_the_range_carries_the_use_at_its_start_in(host: Path) -> None:
    lines = run("--host-dir", str(host), "--since", "3h30m", "--window", "5h").stdout.splitlines()
    # 3 h 30 m ago the first window stood at 87 %: the chart starts there, not empty.
    assert lines[1] == "5h (account 5eed0a11ce01): 23% now, peak 87%"
    assert lines[2].startswith("100% ┤▄▄▄▄▄") and lines[5].startswith("     │█████")


def test_no_data_is_a_hint_and_exit_0(tmp_path: Path) -> None:
    result = run("--host-dir", str(tmp_path / "empty"))
    assert result.exit_code == 0 and result.stdout == ""
    assert "No rate-limit window readings" in result.stderr
    html = run("--host-dir", str(tmp_path / "empty"), "--format", "html").stdout
    assert "No window readings in this range." in html


def test_bad_since_is_a_usage_error(host: Path) -> None:
    result = run("--host-dir", str(host), "--since", "forever")
    assert result.exit_code == 2 and "invalid duration" in result.stderr


class _Document(HTMLParser):
    """Every tag and attribute, and the text under each h3, of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "h3" or (tag == "title" and len(self.tags) < 5):  # the document's title
            self._in = tag
            if tag == "h3":
                self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h3":
            self.headings[-1] += data
        elif self._in == "title":
            self.title += data


def hostile_host(host: Path) -> Path:
    """The planted host plus an agent with a hostile account and window key."""
    rate_limits = {"<b>bold</b>": {"used_percentage": 7, "resets_at": NOW + H}}
    write_events(
        agent_dir(host, "agent-" + "c" * 32, "gamma"),
        [event(NOW - H, "s-4", cost(0.1), rate_limits, "linux:boot0000:400:1", account=HOSTILE)],
    )
    return host


def render_html(host: Path, tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "history.html"
    args = ("--host-dir", str(host), "--since", "12h", "--format", "html", "--output", str(out))
    result = run(*args)
    assert result.exit_code == 0 and result.stdout == ""
    return out, out.read_text(encoding="utf-8")


HEADINGS = [
    "5h (account 5eed0a11ce01): 23% now, peak 87%",
    "7d (account 5eed0a11ce01): 45% now, peak 45%",
    "5h (account 5eed0b0b0202): 12% now, peak 12%",
    f"<b>bold</b> (account {SHOWN}): 7% now, peak 7%",
]


def test_html_is_one_self_contained_document(host: Path, tmp_path: Path) -> None:
    _, text = render_html(hostile_host(host), tmp_path)
    doc = _Document()
    doc.feed(text)
    tags = {tag for tag, _ in doc.tags}
    assert {"html", "head", "style", "body", "svg", "path", "circle"} <= tags
    # Nothing to fetch: no scripts (not even the hostile one), links, images, frames, fonts.
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "b", "image", "use"}
    for _, attrs in doc.tags:
        for name, value in attrs.items():
            assert name not in ("src", "href", "xlink:href") and "url(" not in (value or "")
    assert not re.search(r"https?:|@import|@font-face|url\(", text)
    assert doc.headings == HEADINGS
    assert doc.title == "claude-usage history, 2026-12-02 23:40 to 2026-12-03 11:40 UTC"


def svgs(text: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(s) for s in re.findall(r"<svg .*?</svg>", text, re.S)]


def test_html_charts_hold_the_data_points(host: Path, tmp_path: Path) -> None:
    _, text = render_html(hostile_host(host), tmp_path)
    charts = svgs(text)  # well-formed XML, hostile texts and all
    assert [c.get("aria-label") for c in charts] == HEADINGS
    points = [
        [(int(p.get("data-at")) - NOW, float(p.get("data-used"))) for p in c.iter("circle")]
        for c in charts
    ]
    assert points[0] == [
        (-7 * H, 20),
        (-6 * H, 50),
        (-4 * H, 87),
        (-3 * H, 0),
        (-2 * H, 10),
        (-H, 23),
    ]
    assert points[1] == [(-7 * H, 40), (-H, 45)]
    assert points[2] == [(-2 * H, 5), (-1800, 12)]
    assert points[3] == [(-H, 7)]
    # The chart's scale: 100 % at y=12, 0 % at y=188, 12 h over x=48..784.
    first = list(charts[0].iter("circle"))
    assert [(c.get("cx"), c.get("cy")) for c in first[:3]] == [
        ("354.7", "152.8"),
        ("416", "100"),
        ("538.7", "34.9"),
    ]
    # The step line: its levels in order, the reset's drop to 0 among them.
    line = charts[0].find("path[@class='use']").get("d")
    levels = [float(y) for y in re.findall(r"(?:M[\d.]+ |V)([\d.]+)", line)]
    assert levels == [152.8, 100, 34.9, 188, 170.4, 147.5]
    resets = [r.find("title").text for r in charts[0].iter("line") if r.get("class") == "reset"]
    assert resets == ["window reset at 2026-12-03 08:40 UTC"]


def test_text_escapes_nothing_but_hides_control_characters(host: Path) -> None:
    bad = "acct\x1b]0;title\x07"
    write_events(
        agent_dir(host, "agent-" + "d" * 32, "delta"),
        [_at(NOW - 60, 1, R2, account=bad, process="linux:boot0000:500:1")],
    )
    out = run("--host-dir", str(host), "--since", "12h").stdout
    assert "5h (account acct?]0;title?): 1% now, peak 1%" in out and "\x1b" not in out


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        missing("chromium not on PATH (apt-get install chromium)")
    return found


def _headless(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    profile = f"--user-data-dir={tmp_path / 'chromium-profile'}"
    return subprocess.run(
        [chromium, *flags, profile, *args], capture_output=True, text=True, timeout=120
    )


def _pixels(png: bytes) -> set[tuple[int, int, int]]:
    """The colours of an 8-bit RGB or RGBA PNG, as chromium writes its screenshots."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(png):
        size, kind = struct.unpack(">I4s", png[at : at + 8])
        chunks.setdefault(kind, b"")
        chunks[kind] += png[at + 8 : at + 8 + size]
        at += 12 + size
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour in (2, 6)
    step = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(chunks[b"IDAT"]), width * step
    rows, before = [], bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = before[i], before[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        before = line
    return {tuple(row[i : i + 3]) for row in rows for i in range(0, stride, step)}  # type: ignore[misc]


def test_html_renders_in_headless_chromium(host: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    path, _ = render_html(hostile_host(host), tmp_path)
    dom = _headless(chromium, tmp_path, "--dump-dom", path.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    doc = _Document()
    doc.feed(dom.stdout)
    # The hostile script never ran (it would have renamed the page) and is shown as text.
    assert doc.title == "claude-usage history, 2026-12-02 23:40 to 2026-12-03 11:40 UTC"
    assert doc.headings == HEADINGS
    assert [tag for tag, _ in doc.tags].count("svg") == 4
    shot = tmp_path / "shot.png"
    done = _headless(
        chromium, tmp_path, "--window-size=900,1400", f"--screenshot={shot}", path.as_uri()
    )
    assert done.returncode == 0, done.stderr[-2000:]
    colours = _pixels(shot.read_bytes())
    assert (0x1F, 0x6F, 0xEB) in colours  # the use line and its points
    # A reset's dashed line: 1 px at a fractional x, so blended with the white around it.
    assert any(r > 200 and g < 150 and b < 150 and r - g > 80 for r, g, b in colours)
