"""Driving a classroom's JupyterHub as its users do: log in, the Assignment List (fetch, submit, fetch feedback), files."""
import json

from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK

SPAWN_TIMEOUT = 120_000  # ms for a user's server to start after login
ACTION_TIMEOUT = 60_000  # ms for the Assignment List to fetch or submit


def log_in(page, url, user, password):
    """Log in on the hub's login page and wait for the user's JupyterLab.

    Args:
        page: a Page in the user's own browser context.
        url: the hub's base URL.
        user: the account.
        password: its password.
    """
    page.goto(url.rstrip("/") + "/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=SPAWN_TIMEOUT)
    page.locator("#jp-main-dock-panel").wait_for(timeout=SPAWN_TIMEOUT)
    dismiss_news(page)


def dismiss_news(page):
    """Answer JupyterLab's "notified about official Jupyter news?" toast (it covers the lists).

    Args:
        page: the user's Page.
    """
    news = page.locator(".Toastify__toast", has_text="Jupyter news").get_by_role(
        "button", name="No", exact=True)
    if news.count():
        news.first.click()


def user_url(url, user, path=""):
    """The URL of a path on a user's server.

    Args:
        url: the hub's base URL.
        user: the account.
        path: the path under the server, e.g. "lab".

    Returns:
        The URL.
    """
    return f"{url.rstrip('/')}/user/{user}/{path}"


def assignment_list(page, url, user):
    """Open Nbgrader > Assignment List and wait until it has loaded.

    Args:
        page: the user's Page.
        url: the hub's base URL.
        user: the account.
    """
    page.goto(user_url(url, user, "lab?reset"))
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").first.click()
    page.locator("#released_assignments_list").wait_for(timeout=ACTION_TIMEOUT)
    page.locator("#released_assignments_list_loading").wait_for(state="hidden", timeout=ACTION_TIMEOUT)
    dismiss_news(page)


def click_in_row(page, list_id, button):
    """Click a button in the assignment's row of one of the Assignment List's lists.

    Args:
        page: the user's Page showing the Assignment List.
        list_id: "released_assignments_list", "fetched_assignments_list" or
            "submitted_assignments_list".
        button: the button's label, e.g. "Fetch".
    """
    row = page.locator(f"#{list_id} .list_item", has_text=ASSIGNMENT).first
    row.get_by_role("button", name=button, exact=True).click(timeout=ACTION_TIMEOUT)


def put_notebook(page, url, user, path, nb):
    """Write a notebook through the Jupyter contents API in the user's own browser session.

    Args:
        page: the user's Page (its cookies authenticate the request).
        url: the hub's base URL.
        user: the account.
        path: the notebook's path under the user's server root.
        nb: the NotebookNode.

    Returns:
        The HTTP status.
    """
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    reply = page.request.put(user_url(url, user, f"api/contents/{path}"),
                             headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"},
                             data=json.dumps({"type": "notebook", "format": "json", "content": nb}))
    return reply.status


NOTEBOOK_PATH = f"{ASSIGNMENT}/{NOTEBOOK}"
