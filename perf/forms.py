"""The base of every page form: CSRF from Flask-WTF, and WTForms' own messages in Chinese."""

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations


class ChineseForm(FlaskForm):
    """A FlaskForm whose built-in WTForms messages (a choice that cannot be read …) are in Chinese."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations(["zh"])
