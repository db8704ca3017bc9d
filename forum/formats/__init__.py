"""Date formats per language (settings.FORMAT_MODULE_PATH), over Django's own: templates use the names
(`|date:"DATE_FORMAT"`), forum.comments.nodes uses SHORT_DATE_FORMAT beside a 24-hour "H:i", so
SHORT_DATETIME_FORMAT is always SHORT_DATE_FORMAT followed by ", H:i"."""
