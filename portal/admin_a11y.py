"""What Django's admin needs to pass axe-core (tests/browser/test_admin.py) that only
Python can give: accessible names Django leaves out. The front-end half is
static/js/admin.js and static/css/admin.css."""

from django.contrib.admin import widgets


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """Django writes "Date:" and "Time:" as plain text beside the two inputs of a date and
    time; here they also become the inputs' accessible names (axe rule "label")."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = (context["date_label"], context["time_label"])
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            subwidget["attrs"]["aria-label"] = str(label).rstrip(": ")
        return context


class LabelledListEditableMixin:
    """The inputs of ``list_editable`` columns have no label: each gets one naming the
    column and the row ("Order – Health services"), so a screen reader knows which row's
    value it is changing (axe rule "label")."""

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)

        class LabelledChangeListForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for field in self.fields.values():
                    if not field.widget.is_hidden:
                        label = str(field.label)
                        if self.instance.pk:
                            label = f"{label} – {self.instance}"
                        field.widget.attrs["aria-label"] = label

        return LabelledChangeListForm
