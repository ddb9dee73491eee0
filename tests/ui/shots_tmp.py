import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_contract_all_years_views import _window  # noqa


def test_shots(make_window, qtbot):
    window = _window(make_window)
    window.resize(1400, 900)
    qtbot.wait(200)
    out = Path("/tmp/shots2")
    window.unplaced_dock.raise_()
    qtbot.wait(200)
    window.grab().save(str(out / "unplaced.png"))
    window.provider_view.set_provider("Prov")
    window.provider_dock.show(); window.provider_dock.raise_()
    qtbot.wait(200)
    window.grab().save(str(out / "provider.png"))
    window.provider_view.grab().save(str(out / "provider_only.png"))
    window.layers_panel.grab().save(str(out / "layers.png"))
    window.workspace.set_capacity("B", 3, None)
    window.contract.dock.raise_()
    qtbot.wait(200)
    window.grab().save(str(out / "stale.png"))
