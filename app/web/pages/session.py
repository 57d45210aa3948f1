"""Signing in to the dashboard with a seller key; the session cookie says who is signed in."""

from __future__ import annotations

from functools import wraps

from flask import redirect, render_template, request, session, url_for

from app.access import csrf
from app.access.signed_in import KEY_ID, SESSION_ID, seller, sessions, signed_in_seller
from app.web.pages import bp

__all__ = ["seller_required", "signed_in_seller"]


def seller_required(view):
    """Send visitors who are not signed in to the sign-in page; check CSRF on writes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if signed_in_seller() is None:
            return redirect(url_for("web.sign_in", next=request.path))
        csrf.check()
        return view(*args, **kwargs)

    return wrapper


def _safe_next(target: str | None) -> str:
    # Only paths on this site: an open redirect would let a link send a seller elsewhere.
    # Browsers read `\` as `/` and drop tabs and newlines, so `/\evil` and `/\t/evil` are
    # `//evil`; a newline would also break the Location header. Plain paths only.
    if (target and target.startswith("/") and not target.startswith("//")
            and target.isprintable() and "\\" not in target and " " not in target):
        return target
    return url_for("web.dashboard")


@bp.get("/signin")
def sign_in():
    """Show the sign-in form."""
    return render_template("signin.html", csrf_token=csrf.token(), error=None,
                           next=request.args.get("next", ""))


@bp.post("/signin")
def sign_in_post():
    """Sign in with a seller key and remember the seller in the session cookie."""
    csrf.check()
    found = seller(request.form.get("key", "").strip())  # the API's rule, guessing limit too
    if found is None:
        return render_template("signin.html", csrf_token=csrf.token(), next=request.form.get(
            "next", ""), error="That seller key is not valid."), 401
    session.clear()  # a fresh session (and CSRF token) on every sign-in
    session[KEY_ID] = found.key_id  # never the key itself: the cookie is only signed
    session[SESSION_ID] = sessions().open(found.key_id)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/signout")
@seller_required
def sign_out():
    """Forget the signed-in seller, on the server too: a copy of the cookie stops working."""
    sessions().close(session.get(SESSION_ID))
    session.clear()
    return redirect(url_for("web.sign_in"))
