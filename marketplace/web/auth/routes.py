"""Sign-up, sign-in, sign-out and passwords."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ... import db as tx
from ...links import external
from ...catalog import default_currency
from ...errors import NotAllowed
from ...extensions import limiter
from ...services import accounts
from ..forms import posted, show_error
from ..navigation import home_for
from ..security import safe_next
from . import bp
from .forms import (BrandSignupForm, ChangePasswordForm, CreatorSignupForm, ForgotPasswordForm,
                    LanguageForm, LoginForm, ResetPasswordForm)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    """Only attempts that did not sign anyone in count against the limit."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except NotAllowed as error:
            show_error(form, error)
        else:
            tx.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are logged out. See you soon!"), "success")
    return redirect(url_for("public.index"))


@bp.route("/signup")
def signup():
    return render_template("auth/signup.html")


def _signup(form, template: str, create):
    locale = str(get_locale())
    form.set_country_choices(locale)
    if form.validate_on_submit():
        try:
            user = create(locale)
        except NotAllowed as error:
            tx.rollback()
            show_error(form, error)
        else:
            tx.commit()
            login_user(user)
            flash(_("Welcome to Hashmark, %(name)s!", name=user.display_name), "success")
            return redirect(home_for(user))
    return render_template(template, form=form)


@bp.route("/signup/brand", methods=["GET", "POST"])
def signup_brand():
    form = BrandSignupForm()
    if request.method == "GET" and request.args.get("country"):
        form.country.data = request.args["country"].upper()
        form.default_currency.data = default_currency(form.country.data)
    return _signup(form, "auth/signup_brand.html", lambda locale: accounts.sign_up_brand(
        email=form.email.data, password=form.password.data, company_name=form.company_name.data,
        country=form.country.data, default_currency=form.default_currency.data, locale=locale))


@bp.route("/signup/creator", methods=["GET", "POST"])
def signup_creator():
    form = CreatorSignupForm()
    return _signup(form, "auth/signup_creator.html", lambda locale: accounts.sign_up_creator(
        email=form.email.data, password=form.password.data, display_name=form.display_name.data,
        country=form.country.data, niches=form.niches.data or [], locale=locale))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def password_forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(
            form.email.data,
            link_for=lambda token: external("auth.password_reset", token=token),
        )
        tx.commit()
        flash(_("If an account uses that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/password_forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    try:
        accounts.user_for_reset_token(token)
    except NotAllowed as error:
        flash(str(error.message), "error")
        return redirect(url_for("auth.password_forgot"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except NotAllowed as error:
            show_error(form, error)
        else:
            tx.commit()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password_reset.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = ChangePasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", locale=current_user.locale or str(get_locale()))
    if posted(password_form, "password"):
        try:
            accounts.change_password(current_user, current=password_form.current_password.data,
                                     new=password_form.new_password.data, actor=current_user)
        except NotAllowed as error:
            show_error(password_form, error)
        else:
            tx.commit()
            login_user(current_user._get_current_object())  # this session follows the new password
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
    elif posted(language_form, "language"):
        accounts.set_locale(current_user, language_form.locale.data)
        tx.commit()
        flash(_("Language saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=password_form, language_form=language_form)
