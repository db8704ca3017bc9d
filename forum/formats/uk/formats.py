# After a day the month takes the genitive (E): 3 березня 2026; 3 березня 2026, 19:12.
# Ukrainian readers expect the full month name; the abbreviations ("бер") read as clipped.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i e"
SHORT_DATE_FORMAT = "j E Y"
SHORT_DATETIME_FORMAT = "j E Y, H:i"
