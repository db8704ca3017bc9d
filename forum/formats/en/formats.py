# British order, as the site has always shown them: 3 March 2026; 3 Mar 2026, 19:12; the full form
# names the time zone (3 March 2026, 19:12 UTC).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i e"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
