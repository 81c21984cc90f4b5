"""Moving events in and out: the import batch, CSV and iCalendar readers and writers, and
the import policy. Pure: text or bytes in, a batch or bytes out; the commands read and
write the files."""
