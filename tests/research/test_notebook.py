"""notebooks/explore.ipynb runs top to bottom in a fresh kernel (nbclient); any cell error fails."""
import pytest

from conftest import ROOT

pytestmark = pytest.mark.integration

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _kernel() -> str:
    """The ``python3`` kernel of this interpreter (jupyter_client supplies it from ipykernel; installed
    for the user if this environment has none)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(user=True)
    return "python3"


def _outputs(nb, kind):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if kind in o.get("data", {})]


def test_explore_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    figures = tmp_path / "figures"
    monkeypatch.setenv("WELFARE_NLP_FIGURES", str(figures))
    client = nbclient.NotebookClient(nb, kernel_name=_kernel(), timeout=900,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first cell that fails
    assert [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"] == []
    html = "\n".join(o["data"]["text/html"] for o in _outputs(nb, "text/html"))
    assert "direction: rtl" in html and "OFFICIAL" in html          # the displaCy view
    assert "organization" in html and "doc_id" in html               # the tables
    assert len(_outputs(nb, "image/png")) == 5                        # the four plots and money of the dev set
    assert sorted(p.name for p in figures.glob("*.png")) == ["amounts_by_province.png", "dev_money_by_purpose.png",
                                                             "events_by_month.png", "head_counts_by_group.png",
                                                             "money_by_purpose.png"]
    assert "purpose" in html and "speaker" in html                   # the figures' attributes
