"""Issue 16, point 3 (a cheap request): a lookup that runs on every request, compiled once per process.

Building a queryset and compiling it to SQL costs more Python time than the database needs to answer a
primary-key lookup (the signed-in user with organisation, district, city and unread count: about 1-2 ms of
ORM work per request against 0.3 ms in PostgreSQL). `CompiledLookup` compiles the queryset once per database
alias with placeholder values, keeps the SQL, the positions of the placeholders among its parameters and the
row layout (Django's compiler: columns, converters, related objects, annotations), and for each call only
runs the same SQL with the real values and builds the same model instances as the ORM would (`ModelIterable`).
The statement is the one the ORM sends (same text, through Django's cursor: counted by the query-count tests).
When the placeholders cannot be told apart in the parameters, the ORM path is used every time.

`CompiledLookup.rows()` (issue 16, the start page's statements) runs a statement of many rows the same way:
model instances, or tuples for a `values_list()` queryset. A value may then stand at several places of the
SQL, or at none (a role whose statement does not need it): the queryset is compiled twice with different
placeholders, and the compiled statement is used only if both give the same SQL and differ exactly at the
placeholders' positions.
"""
from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# placeholder values per kind: not a real key or value of any row, distinct from each other and from the
# constants a queryset may carry as parameters (0, 1, True, '')
_PLACEHOLDERS = {
    int: (-7_405_911_203, -7_405_911_219, -7_405_911_227),
    str: ("\x1fcompiled-lookup-0\x1f", "\x1fcompiled-lookup-1\x1f", "\x1fcompiled-lookup-2\x1f"),
    datetime.datetime: tuple(datetime.datetime(1901, 2, 3, 4, 5, 6, n + 1, tzinfo=datetime.UTC) for n in range(3)),
    datetime.date: tuple(datetime.date(1901, 2, 3 + n) for n in range(3)),
}
# a second set, for the statements of many rows: compiled with both, the placeholders' positions are checked
_ALTERNATES = {
    int: (-7_405_911_301, -7_405_911_317, -7_405_911_329),
    str: ("\x1fcompiled-lookup-a\x1f", "\x1fcompiled-lookup-b\x1f", "\x1fcompiled-lookup-c\x1f"),
    datetime.datetime: tuple(datetime.datetime(1902, 3, 4, 5, 6, 7, n + 1, tzinfo=datetime.UTC) for n in range(3)),
    datetime.date: tuple(datetime.date(1902, 3, 4 + n) for n in range(3)),
}


_INT64 = (-(2 ** 63), 2 ** 63 - 1)


class _Compiled:
    def __init__(self, queryset, placeholders, fields, alternate=None):
        """`alternate`: (queryset, placeholders) built with other placeholders; then each value may stand at
        several positions of the parameters or at none, as long as both statements agree everywhere else."""
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        self.slots = []
        self.fields = fields
        self.connection = connections[queryset.db]
        for value, field in zip(placeholders, fields, strict=True):
            value = self._prepare(field, value)
            hits = [i for i, p in enumerate(self.params) if type(p) is type(value) and p == value]
            if alternate is None and len(hits) != 1:
                raise LookupError("placeholder not found exactly once")
            self.slots.append(hits)
        if alternate is not None:
            self._check(*alternate)
        self.db = queryset.db
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        self.col_count = compiler.col_count
        self.converters = compiler.get_converters([s[0] for s in select[:self.col_count]])
        self.apply_converters = compiler.apply_converters
        self.model = None
        if queryset._iterable_class is ValuesListIterable:
            return  # values_list(): plain tuples
        if queryset._iterable_class is not ModelIterable or klass_info is None:
            raise LookupError("neither model instances nor values_list()")
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start:self.end]]
        self.related_populators = get_related_populators(klass_info, select, self.db)
        self.annotation_col_map = dict(annotation_col_map or {})

    def _check(self, queryset, placeholders):
        """The statement built with other placeholders is this one with them at exactly the slots found."""
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        expected = list(self.params)
        for slots, field, value in zip(self.slots, self.fields, placeholders, strict=True):
            for slot in slots:
                expected[slot] = self._prepare(field, value)
        if sql != self.sql or len(params) != len(expected) or any(
                type(a) is not type(b) or a != b for a, b in zip(params, expected, strict=True)):
            raise LookupError("placeholders not told apart")

    def _prepare(self, field, value):
        """The value as the ORM passes it to the driver (e.g. a datetime as text for SQLite)."""
        return value if field is None else field.get_db_prep_value(value, self.connection, prepared=False)

    def _execute(self, values, fetch):
        params = list(self.params)
        for slots, field, value in zip(self.slots, self.fields, values, strict=True):
            value = self._prepare(field, value)
            for slot in ([slots] if isinstance(slots, int) else slots):
                params[slot] = value
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            return fetch(cursor)

    def _build(self, row):
        if self.converters:
            row = next(iter(self.apply_converters([row[:self.col_count]], self.converters)))
        if self.model is None:
            return tuple(row[:self.col_count])
        obj = self.model.from_db(self.db, self.init_list, row[self.start:self.end])
        for populator in self.related_populators:
            populator.populate(row, obj)
        for name, pos in self.annotation_col_map.items():
            setattr(obj, name, row[pos])
        return obj

    def first(self, values):
        row = self._execute(values, lambda cursor: cursor.fetchone())
        return None if row is None else self._build(row)

    def rows(self, values) -> list:
        return [self._build(row) for row in self._execute(values, lambda cursor: cursor.fetchall())]


class CompiledLookup:
    """`CompiledLookup(model, build, kinds)`: `build(*values)` returns a queryset of `model` with at most one
    row, ending in `[:1]`; `lookup.first(*values)` is its row (or None), compiled once per database alias.
    The values must be plain parameters of the SQL (keys, a point in time), not parts of its structure;
    `kinds` names each value's type (int, str or datetime.datetime) and, for a value the ORM converts before
    passing it to the driver, the model field that converts it: `(datetime.datetime, Session.expire_date)`.
    With `many=True` the queryset may have many rows (model instances or a `values_list()`): `lookup.rows()`;
    a value may then stand at several places of the SQL or at none (checked with a second set of placeholders)."""

    def __init__(self, model, build: Callable, kinds=(int,), *, many: bool = False):
        self.model = model
        self.many = many
        self.build = build
        self.kinds = [kind if isinstance(kind, tuple) else (kind, None) for kind in kinds]
        self._compiled: dict[tuple, _Compiled | None] = {}
        self._lock = threading.Lock()

    def _for(self):
        alias = router.db_for_read(self.model)
        key = (alias, connections[alias].vendor)
        compiled = self._compiled.get(key, False)
        if compiled is False:
            with self._lock:
                placeholders = [_PLACEHOLDERS[kind][n] for n, (kind, _field) in enumerate(self.kinds)]
                try:
                    alternate = None
                    if self.many:
                        alternates = [_ALTERNATES[kind][n] for n, (kind, _field) in enumerate(self.kinds)]
                        alternate = (self.build(*alternates), alternates)
                    compiled = _Compiled(self.build(*placeholders), placeholders,
                                         [field for _kind, field in self.kinds], alternate)
                except (LookupError, KeyError, IndexError, TypeError, ValueError, EmptyResultSet):
                    compiled = None  # the ORM every time
                self._compiled[key] = compiled
        return compiled

    def _usable(self, values):
        compiled = self._for()
        if compiled is None or any(
                (type(v) is not kind and not (kind is datetime.datetime and isinstance(v, kind)))
                or (kind is int and not _INT64[0] <= v <= _INT64[1])
                for v, (kind, _field) in zip(values, self.kinds, strict=True)):
            return None
        return compiled

    def first(self, *values):
        """The row for these values, or None. A value of another type, or an integer beyond 64 bits (e.g. a
        hostile id in a URL: SQLite cannot bind it, the ORM answers "no row" for it), takes the ORM path."""
        compiled = self._usable(values)
        if compiled is None:
            return next(iter(self.build(*values)), None)
        return compiled.first(values)

    def rows(self, *values) -> list:
        """All rows for these values (`many=True`), as the ORM gives them; otherwise as `first`."""
        compiled = self._usable(values)
        if compiled is None:
            return list(self.build(*values))
        return compiled.rows(values)
