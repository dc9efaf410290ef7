using System.Globalization;
using System.Text;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.EntityFrameworkCore;

/// <summary>The SQL dialects <see cref="JsonResourceSql"/> writes.</summary>
internal enum JsonDialect
{
    /// <summary>SQLite: the JSON1 functions (<c>json_extract</c>, <c>json_type</c>, <c>json_each</c>, <c>json_tree</c>).</summary>
    Sqlite,

    /// <summary>PostgreSQL: <c>jsonb</c> operators, <c>jsonb_array_elements</c>, <c>jsonb_path_exists</c>.</summary>
    Postgres,
}

/// <summary>
/// Writes the SQL of a query over the JSON of host-registered resources (the <c>Json</c> column of
/// <see cref="ScimResourceEntity"/>): a bound filter becomes a WHERE condition and <c>sortBy</c> an
/// ORDER BY key, with the semantics of the in-memory evaluator (<see cref="JsonFilterCompiler"/>)
/// and comparer (<see cref="ScimSorter"/>): caseExact from the schema, any value of a multi-valued
/// attribute, a value path within one element, <c>pr</c> false for null, "", [] and {}, and
/// two-valued logic under <c>not</c> (SQL's unknown counts as false, as a missing value does).
/// </summary>
/// <remarks>
/// Every value from the request is a parameter (<c>{0}</c>, <c>{1}</c>... in the text, as
/// <c>FromSqlRaw</c> takes them). Attribute names come from the schema (canonical casing, the keys
/// the store writes) and are written as SQL string literals, so that an expression index a host
/// creates on the same expression is used. The text holds no braces besides the placeholders
/// (those of names are doubled).
/// </remarks>
internal sealed class JsonResourceSql
{
    /// <summary>The dialect of an EF Core provider (its <c>ProviderName</c>); <see langword="null"/> for a provider the store does not write SQL for.</summary>
    public static JsonDialect? DialectOf(string? providerName) => providerName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => JsonDialect.Sqlite,
        "Npgsql.EntityFrameworkCore.PostgreSQL" => JsonDialect.Postgres,
        _ => null,
    };

    /// <summary>What the app is told about a provider the store does not support.</summary>
    public static string UnsupportedProvider(string? providerName) =>
        $"The EF Core store of host resource types queries their JSON in SQL on SQLite and PostgreSQL; the provider '{providerName}' is not supported. Give the type a store of its own (docs/implementing-a-store.md).";

    // A SCIM dateTime as text (RFC 7643 §2.3.5), checked before PostgreSQL casts it (a cast of
    // anything else would fail the whole statement).
    private const string DateTimePattern = @"^(?!0000)\d\d\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?([Zz]|[+-](0\d|1[0-4]):[0-5]\d)?$";
    private const string PresentLeaf = "(@.type() == \"number\" || @.type() == \"boolean\" || (@.type() == \"string\" && @ != \"\"))";

    private readonly JsonDialect _dialect;
    private readonly ScimResourceType _type;
    private readonly SchemaAttribute? _unique;
    private readonly Columns _columns;
    private readonly List<object> _arguments = [];
    private int _aliases;

    public JsonResourceSql(JsonDialect dialect, ScimResourceType type, SchemaAttribute? unique, Columns columns)
    {
        _dialect = dialect;
        _type = type;
        _unique = unique;
        _columns = columns;
    }

    /// <summary>The values of the placeholders written so far, in order.</summary>
    public object[] Arguments => [.. _arguments];

    /// <summary>The quoted names of the table and of the columns the queries read (the queries alias the table <c>r</c>).</summary>
    /// <param name="Table">The table, schema-qualified when it has one.</param>
    /// <param name="Id">The id column.</param>
    /// <param name="Tenant">The tenant column.</param>
    /// <param name="ResourceType">The resource type column.</param>
    /// <param name="ExternalId">The externalId column.</param>
    /// <param name="UniqueValue">The column of the unique attribute's value.</param>
    /// <param name="Json">The JSON column.</param>
    /// <param name="JsonIsJsonb">Whether the JSON column is <c>jsonb</c> already (PostgreSQL); else it is cast.</param>
    /// <param name="Created">The meta.created column.</param>
    /// <param name="LastModified">The meta.lastModified column.</param>
    /// <param name="Version">The meta.version column.</param>
    internal sealed record Columns(string Table, string Id, string Tenant, string ResourceType, string ExternalId, string UniqueValue, string Json, bool JsonIsJsonb, string Created, string LastModified, string Version);

    /// <summary>A placeholder for a value.</summary>
    public string Parameter(object value)
    {
        _arguments.Add(value);
        return "{" + (_arguments.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
    }

    /// <summary>The tenant and type condition, and the filter's when there is one.</summary>
    public string Where(string tenant, BoundFilter? filter)
    {
        var sql = $"r.{_columns.Tenant} = {Parameter(tenant)} AND r.{_columns.ResourceType} = {Parameter(_type.Name)}";
        return filter is null ? sql : $"{sql} AND ({Filter(filter)})";
    }

    /// <summary>The ORDER BY list of a sort (missing values last when ascending, RFC 7644 §3.4.2.3), ties broken by id.</summary>
    public string OrderBy(SchemaRegistry registry, string? sortBy, SortOrder order)
    {
        if (sortBy is null)
        {
            return $"r.{_columns.Id}";
        }

        var key = SortKey(registry, sortBy);
        var descending = order == SortOrder.Descending ? " DESC" : string.Empty;
        return $"({key}) IS NULL{descending}, {key}{descending}, r.{_columns.Id}";
    }

    // ---- filters ----

    private string Doc => _dialect == JsonDialect.Postgres && !_columns.JsonIsJsonb ? $"CAST(r.{_columns.Json} AS jsonb)" : $"r.{_columns.Json}";

    private string Filter(BoundFilter filter) => filter switch
    {
        BoundAnd and => $"({Filter(and.Left)}) AND ({Filter(and.Right)})",
        BoundOr or => $"({Filter(or.Left)}) OR ({Filter(or.Right)})",
        BoundNot not => Not(Filter(not.Inner)),
        BoundConstant constant => constant.Value ? "1 = 1" : "1 = 0",
        BoundPresent present => Present(present.Path, null),
        BoundComparison comparison => Comparison(comparison, null),
        BoundValuePath valuePath => ValuePath(valuePath),
        BoundSchemas schemas => Schemas(schemas),
        _ => throw new ArgumentException($"Unknown bound filter {filter.GetType().Name}.", nameof(filter)),
    };

    /// <summary>Negation in two-valued logic: a condition that is unknown (a missing value) is false before it is negated.</summary>
    private static string Not(string condition) => $"NOT COALESCE(({condition}), FALSE)";

    private string Schemas(BoundSchemas schemas)
    {
        if (schemas.Operator is null)
        {
            return "1 = 1";
        }

        var alias = NextAlias();
        var value = Parameter(schemas.Value!);
        var has = _dialect == JsonDialect.Sqlite
            ? $"EXISTS (SELECT 1 FROM json_each(r.{_columns.Json}, '$.schemas') AS {alias} WHERE {alias}.type = 'text' AND lower({alias}.value) = lower({value}))"
            : $"EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof({Doc} -> 'schemas') = 'array' THEN {Doc} -> 'schemas' ELSE '[]'::jsonb END) AS {alias}(v) WHERE lower({alias}.v) = lower({value}))";
        return schemas.Operator == ComparisonOperator.Equal ? has : $"NOT {has}";
    }

    /// <summary><c>pr</c>.</summary>
    /// <param name="path">The attribute.</param>
    /// <param name="element">Inside a value path: the SQL of the element's JSON.</param>
    private string Present(BoundPath path, string? element)
    {
        if (element is not null)
        {
            return PresentAt(element, [path.Relative!.Name]);
        }

        var resolved = path.Absolute!;
        if (ColumnOf(resolved) is { } column)
        {
            return column.Type == AttributeType.String ? $"{column.Sql} IS NOT NULL AND {column.Sql} <> ''" : $"{column.Sql} IS NOT NULL";
        }

        if (resolved.Attribute.MultiValued && resolved.SubAttribute is { } sub)
        {
            return Elements(resolved, e => PresentAt(ElementDoc(e), [sub.Name]));
        }

        return PresentAt(Doc, Names(resolved));
    }

    /// <summary>Whether a JSON value has a non-empty scalar in it (RFC 7644 §3.4.2.2 <c>pr</c>, as the in-memory evaluator reads it).</summary>
    private string PresentAt(string doc, string[] names)
    {
        if (_dialect == JsonDialect.Sqlite)
        {
            var alias = NextAlias();
            return $"EXISTS (SELECT 1 FROM json_tree({doc}, {SqlitePath(names)}) AS {alias} WHERE {alias}.type IN ('integer', 'real', 'true', 'false') OR ({alias}.type = 'text' AND {alias}.atom <> ''))";
        }

        var path = new StringBuilder("lax $");
        foreach (var name in names)
        {
            path.Append('.').Append(JsonPathKey(name));
        }

        path.Append(".** ? ").Append(PresentLeaf);
        return $"jsonb_path_exists({doc}, {Literal(path.ToString())}::jsonpath)";
    }

    /// <summary>Some element of the collection, an object, satisfies the inner filter on its own (a single complex attribute is its one element).</summary>
    private string ValuePath(BoundValuePath valuePath)
    {
        var collection = valuePath.Collection;
        var sqlite = _dialect == JsonDialect.Sqlite;
        if (collection.Attribute.MultiValued)
        {
            return Elements(collection, e => $"{(sqlite ? $"{e}.type" : $"jsonb_typeof({e}.v)")} = 'object' AND ({Filter(valuePath.Inner, ElementDoc(e))})");
        }

        var names = Names(collection);
        if (sqlite)
        {
            var path = SqlitePath(names);
            var element = $"(CASE WHEN json_type({Doc}, {path}) = 'object' THEN json_extract({Doc}, {path}) END)";
            return $"json_type({Doc}, {path}) = 'object' AND ({Filter(valuePath.Inner, element)})";
        }

        var doc = PostgresJson(Doc, names);
        return $"jsonb_typeof({doc}) = 'object' AND ({Filter(valuePath.Inner, doc)})";
    }

    /// <summary>A filter inside a value path, its paths relative to <paramref name="element"/>.</summary>
    private string Filter(BoundFilter filter, string element) => filter switch
    {
        BoundAnd and => $"({Filter(and.Left, element)}) AND ({Filter(and.Right, element)})",
        BoundOr or => $"({Filter(or.Left, element)}) OR ({Filter(or.Right, element)})",
        BoundNot not => Not(Filter(not.Inner, element)),
        BoundConstant constant => constant.Value ? "1 = 1" : "1 = 0",
        BoundPresent present => Present(present.Path, element),
        BoundComparison comparison => Comparison(comparison, element),
        _ => throw new ArgumentException($"Unexpected filter {filter.GetType().Name} inside a value path.", nameof(filter)),
    };

    private string Comparison(BoundComparison comparison, string? element)
    {
        var op = comparison.Operator;
        if (comparison.Value is null)
        {
            // eq null: the attribute has no value; ne null: it has one.
            var present = Present(comparison.Path, element);
            return op == ComparisonOperator.Equal ? Not(present) : present;
        }

        if (op == ComparisonOperator.NotEqual)
        {
            // ne is the negation of eq over all values: true when no value equals, and when there is none.
            return Not(Comparison(comparison with { Operator = ComparisonOperator.Equal }, element));
        }

        var path = comparison.Path;
        var attribute = path.Compared;
        if (element is not null)
        {
            return Test(PathLeaf(element, [path.Relative!.Name]), attribute, op, comparison.Value);
        }

        var resolved = path.Absolute!;
        if (ColumnOf(resolved) is { } column)
        {
            return ColumnTest(resolved, column, op, comparison.Value);
        }

        if (op == ComparisonOperator.Equal && comparison.Value is string key && IsUnique(resolved))
        {
            // The unique attribute's column holds its (string) value, lower-cased unless caseExact: equality is an index seek.
            return $"r.{_columns.UniqueValue} = {Parameter(_unique!.CaseExact ? key : key.ToLowerInvariant())}";
        }

        var sub = resolved.SubAttribute ?? path.ImplicitValue;
        if (resolved.Attribute.MultiValued)
        {
            return Elements(resolved, e => Test(sub is null ? ElementLeaf(e) : PathLeaf(ElementDoc(e), [sub.Name]), attribute, op, comparison.Value));
        }

        return Test(PathLeaf(Doc, Names(resolved, sub)), attribute, op, comparison.Value);
    }

    private string ColumnTest(ResolvedAttribute resolved, Column column, ComparisonOperator op, object value)
    {
        if (column.Type == AttributeType.DateTime)
        {
            return $"{column.Sql} {Operator(op)} {Parameter(((DateTimeOffset)value).UtcDateTime)}";
        }

        return StringTest(column.Sql, FilterBinder.IsCaseExact(resolved.Target), op, (string)value);
    }

    /// <summary>The test of one value (a leaf) against a literal of the attribute's type.</summary>
    private string Test(Leaf leaf, SchemaAttribute attribute, ComparisonOperator op, object value)
    {
        var sqlite = _dialect == JsonDialect.Sqlite;
        switch (attribute.Type)
        {
            case AttributeType.Boolean:
                var flag = (bool)value;
                return sqlite ? $"{leaf.Type} = '{(flag ? "true" : "false")}'" : $"{leaf.Json} = '{(flag ? "true" : "false")}'::jsonb";
            case AttributeType.Integer:
            case AttributeType.Decimal:
                var number = (decimal)value;
                return sqlite
                    ? $"{leaf.Type} IN ('integer', 'real') AND {leaf.Text} {Operator(op)} {Parameter((double)number)}"
                    : $"(CASE WHEN {leaf.Type} = 'number' THEN ({leaf.Json})::numeric END) {Operator(op)} {Parameter(number)}";
            case AttributeType.DateTime:
                var instant = (DateTimeOffset)value;
                return sqlite
                    ? $"{SqliteInstant(leaf)} {Operator(op)} julianday({Parameter(ScimDateTime.Format(instant))})"
                    : $"{PostgresInstant(leaf)} {Operator(op)} {Parameter(instant.ToUniversalTime())}";
            default:
                return $"{leaf.Type} = '{(sqlite ? "text" : "string")}' AND {StringTest(leaf.Text, FilterBinder.IsCaseExact(attribute), op, (string)value)}";
        }
    }

    private string StringTest(string text, bool caseExact, ComparisonOperator op, string value)
    {
        var sqlite = _dialect == JsonDialect.Sqlite;
        switch (op)
        {
            case ComparisonOperator.Equal:
                return caseExact ? $"{text} = {Parameter(value)}" : $"lower({text}) = lower({Parameter(value)})";
            case ComparisonOperator.Contains:
            case ComparisonOperator.StartsWith:
            case ComparisonOperator.EndsWith:
                if (caseExact && sqlite)
                {
                    // SQLite's LIKE ignores ASCII case (unless a pragma says otherwise): exact tests by position instead.
                    var p = Parameter(value);
                    return op switch
                    {
                        ComparisonOperator.Contains => $"instr({text}, {p}) > 0",
                        ComparisonOperator.StartsWith => $"substr({text}, 1, length({p})) = {p}",
                        _ => $"length({text}) >= length({p}) AND substr({text}, length({text}) - length({p}) + 1) = {p}",
                    };
                }

                var escaped = EscapeLike(value);
                var pattern = op switch
                {
                    ComparisonOperator.Contains => $"%{escaped}%",
                    ComparisonOperator.StartsWith => $"{escaped}%",
                    _ => $"%{escaped}",
                };
                return caseExact
                    ? $"{text} LIKE {Parameter(pattern)} ESCAPE '\\'"
                    : $"lower({text}) LIKE lower({Parameter(pattern)}) ESCAPE '\\'";
            default:
                // Ordering as string.Compare with Ordinal / OrdinalIgnoreCase (which compares upper-cased characters).
                var collate = sqlite ? string.Empty : " COLLATE \"C\"";
                return caseExact
                    ? $"{text}{collate} {Operator(op)} {Parameter(value)}"
                    : $"upper({text}){collate} {Operator(op)} upper({Parameter(value)})";
        }
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.GreaterThan => ">",
        ComparisonOperator.GreaterThanOrEqual => ">=",
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>
    /// A SCIM dateTime of a JSON string as a Julian day number, null when it is none. SQLite's date
    /// functions keep milliseconds: finer differences are lost (the in-memory store keeps 100 ns).
    /// SQLite reads more than a SCIM dateTime (a day number, February 30th as March 1st, year 0):
    /// the text's date and time must read back as written, as the SCIM parser asks.
    /// </summary>
    private static string SqliteInstant(Leaf leaf)
    {
        var t = leaf.Text;
        return $"(CASE WHEN {leaf.Type} = 'text' AND {t} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' "
            + $"AND substr({t}, 1, 4) <> '0000' AND date(substr({t}, 1, 10)) = substr({t}, 1, 10) AND time(substr({t}, 12, 8)) = substr({t}, 12, 8) "
            + $"THEN julianday({t}) END)";
    }

    /// <summary>
    /// A SCIM dateTime of a JSON string as <c>timestamptz</c>, null when it is none (no zone is UTC,
    /// as the SCIM parser reads it). The text is checked first, its day against its month too: a cast
    /// of anything else would fail the whole statement.
    /// </summary>
    private static string PostgresInstant(Leaf leaf)
    {
        var t = leaf.Text;
        string Part(int start, int length) => $"CAST(substr({t}, {start}, {length}) AS int)";
        var year = Part(1, 4);
        var leap = $"{year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0)";
        var days = $"CASE {Part(6, 2)} WHEN 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END";
        var instant = $"CAST({t} || CASE WHEN {t} ~ '([Zz]|[+-]\\d\\d:\\d\\d)$' THEN '' ELSE 'Z' END AS timestamptz)";
        return $"(CASE WHEN {leaf.Type} = 'string' AND {t} ~ '{DateTimePattern}' THEN CASE WHEN {Part(9, 2)} <= {days} THEN {instant} END END)";
    }

    /// <summary><c>EXISTS</c> over the elements of a multi-valued attribute; <paramref name="condition"/> gets the element's alias.</summary>
    private string Elements(ResolvedAttribute collection, Func<string, string> condition)
    {
        var alias = NextAlias();
        var names = Names(collection with { SubAttribute = null });
        if (_dialect == JsonDialect.Sqlite)
        {
            return $"EXISTS (SELECT 1 FROM json_each({Doc}, {SqlitePath(names)}) AS {alias} WHERE {condition(alias)})";
        }

        var array = PostgresJson(Doc, names);
        return $"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof({array}) = 'array' THEN {array} ELSE '[]'::jsonb END) AS {alias}(v) WHERE {condition(alias)})";
    }

    /// <summary>The JSON of an element (an object), or NULL on SQLite when it is a scalar (whose text is no JSON).</summary>
    private string ElementDoc(string alias) =>
        _dialect == JsonDialect.Sqlite ? $"(CASE WHEN {alias}.type IN ('object', 'array') THEN {alias}.value END)" : $"{alias}.v";

    private Leaf ElementLeaf(string alias) =>
        _dialect == JsonDialect.Sqlite
            ? new Leaf($"{alias}.value", $"{alias}.type", null)
            : new Leaf($"({alias}.v #>> ARRAY[]::text[])", $"jsonb_typeof({alias}.v)", $"{alias}.v");

    private Leaf PathLeaf(string doc, string[] names)
    {
        if (_dialect == JsonDialect.Sqlite)
        {
            var path = SqlitePath(names);
            return new Leaf($"json_extract({doc}, {path})", $"json_type({doc}, {path})", null);
        }

        var json = PostgresJson(doc, names);
        var parent = PostgresJson(doc, names[..^1]);
        return new Leaf($"({parent} ->> {Literal(names[^1])})", $"jsonb_typeof({json})", json);
    }

    private static string PostgresJson(string doc, string[] names)
    {
        var sql = new StringBuilder(doc);
        foreach (var name in names)
        {
            sql.Append(" -> ").Append(Literal(name));
        }

        return names.Length == 0 ? doc : $"({sql})";
    }

    private static string SqlitePath(string[] names)
    {
        var path = new StringBuilder("$");
        foreach (var name in names)
        {
            path.Append('.').Append(JsonPathKey(name));
        }

        return Literal(path.ToString());
    }

    /// <summary>A key in a JSON path, quoted (extension URNs hold dots and colons).</summary>
    private static string JsonPathKey(string name) => "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A SQL string literal of a name. Braces are doubled: EF Core formats the text to put its
    /// parameters in (<c>{0}</c>), which turns them back into one (the statement always has parameters).
    /// </summary>
    private static string Literal(string text) =>
        "'" + text.Replace("'", "''", StringComparison.Ordinal).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal) + "'";

    /// <summary>The JSON keys of an attribute: the extension's URN first when it is an extension's.</summary>
    private static string[] Names(ResolvedAttribute resolved, SchemaAttribute? sub = null)
    {
        sub ??= resolved.SubAttribute;
        var names = new List<string>(3);
        if (resolved.IsExtension)
        {
            names.Add(resolved.Schema.Id);
        }

        names.Add(resolved.Attribute.Name);
        if (sub is not null)
        {
            names.Add(sub.Name);
        }

        return [.. names];
    }

    private string NextAlias() => "j" + (_aliases++).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The column an attribute is kept in beside the JSON: <c>id</c>, <c>externalId</c>, the unique
    /// attribute, and <c>meta</c>'s (meta is not in the JSON); null for the others.
    /// </summary>
    private Column? ColumnOf(ResolvedAttribute resolved)
    {
        if (ReferenceEquals(resolved.Attribute, CommonAttributes.Id))
        {
            return new Column($"r.{_columns.Id}", AttributeType.String);
        }

        if (ReferenceEquals(resolved.Attribute, CommonAttributes.ExternalId))
        {
            return new Column($"r.{_columns.ExternalId}", AttributeType.String);
        }

        if (ReferenceEquals(resolved.Attribute, CommonAttributes.Meta))
        {
            return resolved.SubAttribute?.Name switch
            {
                "created" => new Column($"r.{_columns.Created}", AttributeType.DateTime),
                "lastModified" => new Column($"r.{_columns.LastModified}", AttributeType.DateTime),
                "version" => new Column($"r.{_columns.Version}", AttributeType.String),
                "resourceType" => new Column(Parameter(_type.Name), AttributeType.String),
                "location" => new Column("NULL", AttributeType.String),
                _ => new Column($"r.{_columns.Created}", AttributeType.DateTime), // meta itself: present whenever the resource is
            };
        }

        return null;
    }

    private bool IsUnique(ResolvedAttribute resolved) =>
        _unique is not null && !resolved.IsExtension && resolved.SubAttribute is null
        && string.Equals(resolved.Attribute.Name, _unique.Name, StringComparison.Ordinal)
        && string.Equals(resolved.Schema.Id, _type.Schema, StringComparison.Ordinal);

    // ---- sorting ----

    private string SortKey(SchemaRegistry registry, string sortBy)
    {
        var (resolved, implicitValue, compared) = Scim.Core.Querying.ScimSorter.ResolveKey(registry, _type, sortBy);

        if (ColumnOf(resolved) is { } column)
        {
            return column.Type == AttributeType.String ? StringKey(column.Sql, "1 = 1", FilterBinder.IsCaseExact(compared)) : column.Sql;
        }

        var sub = resolved.SubAttribute ?? implicitValue;
        if (!resolved.Attribute.MultiValued)
        {
            return Key(PathLeaf(Doc, Names(resolved, sub)), compared);
        }

        // RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else by its first.
        var names = Names(resolved with { SubAttribute = null });
        var primaryAlias = NextAlias();
        var firstAlias = NextAlias();
        Leaf LeafOf(string alias) => sub is null ? ElementLeaf(alias) : PathLeaf(ElementDoc(alias), [sub.Name]);
        var primaryKey = Key(LeafOf(primaryAlias), compared);
        var firstKey = Key(LeafOf(firstAlias), compared);
        if (_dialect == JsonDialect.Sqlite)
        {
            var path = SqlitePath(names);
            return $"COALESCE((SELECT {primaryKey} FROM json_each({Doc}, {path}) AS {primaryAlias} WHERE {primaryAlias}.type = 'object' AND json_type({primaryAlias}.value, '$.primary') = 'true' AND ({primaryKey}) IS NOT NULL ORDER BY {primaryAlias}.key LIMIT 1), "
                + $"(SELECT {firstKey} FROM json_each({Doc}, {path}) AS {firstAlias} WHERE {firstAlias}.key = 0))";
        }

        var array = PostgresJson(Doc, names);
        var elements = $"jsonb_array_elements(CASE WHEN jsonb_typeof({array}) = 'array' THEN {array} ELSE '[]'::jsonb END) WITH ORDINALITY";
        return $"COALESCE((SELECT {primaryKey} FROM {elements} AS {primaryAlias}(v, n) WHERE ({primaryAlias}.v -> 'primary') = 'true'::jsonb AND ({primaryKey}) IS NOT NULL ORDER BY {primaryAlias}.n LIMIT 1), "
            + $"(SELECT {firstKey} FROM {elements} AS {firstAlias}(v, n) WHERE {firstAlias}.n = 1))";
    }

    /// <summary>The sort key of one value: typed, NULL when missing, null, "" or of another type.</summary>
    private string Key(Leaf leaf, SchemaAttribute attribute)
    {
        var sqlite = _dialect == JsonDialect.Sqlite;
        return attribute.Type switch
        {
            AttributeType.Integer or AttributeType.Decimal => sqlite
                ? $"(CASE WHEN {leaf.Type} IN ('integer', 'real') THEN {leaf.Text} END)"
                : $"(CASE WHEN {leaf.Type} = 'number' THEN ({leaf.Json})::numeric END)",
            AttributeType.Boolean => sqlite
                ? $"(CASE {leaf.Type} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
                : $"(CASE WHEN {leaf.Type} = 'boolean' THEN ({leaf.Json})::boolean END)",
            AttributeType.DateTime => sqlite
                ? SqliteInstant(leaf)
                : PostgresInstant(leaf),
            _ => StringKey(leaf.Text, $"{leaf.Type} = '{(sqlite ? "text" : "string")}'", FilterBinder.IsCaseExact(attribute)),
        };
    }

    private string StringKey(string text, string isString, bool caseExact)
    {
        var folded = caseExact ? text : $"upper({text})";
        var collate = _dialect == JsonDialect.Postgres ? " COLLATE \"C\"" : string.Empty;
        return $"(CASE WHEN {isString} AND {text} <> '' THEN {folded} END){collate}";
    }

    /// <summary>One value: its text (SQL text for strings, numbers on SQLite), its JSON type name, and on PostgreSQL its jsonb.</summary>
    private sealed record Leaf(string Text, string Type, string? Json);

    private sealed record Column(string Sql, AttributeType Type);
}
