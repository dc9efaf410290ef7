using System.Globalization;
using System.Text;
using CsCheck;

namespace Scim.Core.Tests.Fuzzing;

/// <summary>
/// The inputs the fuzz targets are fed, at two levels. Structured: SearchRequest, BulkRequest,
/// PatchOp, User and Group messages, and filters, built from the schema so that most of them are
/// valid and reach past the readers, with a few hostile parts each (a lone surrogate escape, a
/// number no type holds, a name in other case or given twice, a value of the wrong JSON type, a
/// required member left out). Byte-level: the same messages with bytes deleted, replaced, repeated
/// or inserted (invalid UTF-8 sequences among them), and plain random bytes.
/// </summary>
internal static class FuzzInputs
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string PatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string SearchRequestUrn = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    public const string BulkRequestUrn = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    // ---------------------------------------------------------------- hostile pieces

    /// <summary>Strings as JSON literals that a reader may trip on.</summary>
    private static readonly string[] HostileStrings =
    [
        "\"\"", "\" \"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud83d\"", "\"\\u0000\"", "\"\\\\\"", "\"\\\"\"", "\"bulkId:\"", "\"bulkId:\\ud800\"",
        "\"bulkId:zz\"", "\"%ff\"", "\"urn:\"", "\"9999-12-31T23:59:60Z\"", "\"2008-02-30T04:56:22Z\"", "\"2008-01-23\"", "\"TWF\"", "\"=\"",
        "\"True\"", "\"False\"", "\"W/\\\"1\\\"\"", "\"*\"", "\"\\u0130\"", "\"" + new string('x', 3000) + "\"",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "1.5", "-2.5e3", "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "2147483647", "2147483648", "-2147483649", "79228162514264337593543950336", "0.00000000000000000000000000001", "1E28", "1E29",
    ];

    private static readonly string[] Literals = ["true", "false", "null", "[]", "{}", "[null]", "[[]]", "[{}]", "[\"x\"]", "{\"value\":1}"];

    /// <summary>Pieces spliced into a filter or path as text.</summary>
    private static readonly string[] FilterFragments =
    [
        "(", ")", "[", "]", "\"", "\\", ".", ":", " ", "\t", "\u00a0", "\u3000", " and ", " or ", "not ", " pr", " eq ", "urn:", "$ref",
        "\ud800", "\udc00", "\0", "\uffff", "\ud83d\ude00", "\u0130", "e", "1e400", "\\u", "\\uD83", "[type eq \"work\"]", "[value eq \"x\"].display",
    ];

    /// <summary>Pieces spliced into a JSON message as bytes: structure, escapes, numbers, and UTF-8 that is not valid.</summary>
    private static readonly byte[][] ByteFragments =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "\\"u8.ToArray(),
        "\\u"u8.ToArray(), "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "\\u0000"u8.ToArray(), "\"\\ud800\""u8.ToArray(), "1e400"u8.ToArray(),
        "-0"u8.ToArray(), "9223372036854775808"u8.ToArray(), "null"u8.ToArray(), "true"u8.ToArray(), "[]"u8.ToArray(), "{}"u8.ToArray(),
        ",\"userName\":\"x\""u8.ToArray(), ",\"count\":1"u8.ToArray(), ",\"Operations\":[]"u8.ToArray(), ",\"value\":null"u8.ToArray(),
        "[[[[[[[[[[[[[[[[[[[["u8.ToArray(), "/*x*/"u8.ToArray(), " "u8.ToArray(), "\t\r\n"u8.ToArray(),
        [0xC3], [0xFF], [0xFE], [0x80], [0xC0, 0xAF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98],
        [0xEF, 0xBB, 0xBF], [0x00], [0xF0, 0x9F, 0x98, 0x80], [0xC3, 0xA9],
    ];

    /// <summary>Any JSON value that is most likely wrong where it is put.</summary>
    private static readonly Gen<string> Hostile = Gen.Frequency((4, Gen.OneOf(HostileStrings)), (2, Gen.OneOf(Numbers)), (2, Gen.OneOf(Literals)));

    /// <summary>An edit of a filter's text: where, insert a fragment, delete, or insert its first character.</summary>
    private static readonly Gen<(int Position, int Kind, string Fragment)> TextEdit =
        Gen.Select(Gen.Int[0, 200], Gen.Int[0, 2], Gen.OneOf(FilterFragments));

    // ---------------------------------------------------------------- values

    private static readonly Gen<string> Word = Text("bjensen", "Babs", "Barbara", "Jensen", "Ms. Barbara J Jensen III", "Tour Guide", "x", "\u00e9ve", "\ud83d\ude00", "O'Malley", "a\"b\\c");
    private static readonly Gen<string> Unique = Mostly(Gen.Int[0, int.MaxValue].Select(i => Quote(string.Create(CultureInfo.InvariantCulture, $"name{i}"))));
    private static readonly Gen<string> Email = Text("bjensen@example.com", "babs@jensen.org", "x@y");
    private static readonly Gen<string> Kind = Text("work", "home", "other", "Work");
    private static readonly Gen<string> Bool = Mostly(Gen.OneOf("true", "false"));
    private static readonly Gen<string> Date = Text("2008-01-23T04:56:22Z", "2011-05-13T04:42:34.123+02:00");
    private static readonly Gen<string> Base64 = Text("TWFu", "TWE=", "");
    private static readonly Gen<string> Url = Text("https://example.com/v2/Users/u-1", "urn:x");
    private static readonly Gen<string> Language = Text("en-US", "fr", "en");
    private static readonly Gen<string> Id = Text("u-1", "g-1", "2819c223-7f76-453a-919d-413861904646", "bulkId:a", "bulkId:b", "bulkId:c");

    private static readonly Gen<string> NameObject = Object(
        Optional("formatted", Word, 4), Optional("familyName", Word, 6), Optional("givenName", Word, 6), Optional("middleName", Word, 2),
        Optional("honorificPrefix", Word, 1), Optional("honorificSuffix", Word, 1));

    private static readonly Gen<string> EmailObject = Object(Required("value", Email), Optional("type", Kind, 6), Optional("primary", Bool, 3), Optional("display", Word, 1));
    private static readonly Gen<string> PhoneObject = Object(Required("value", Text("555-555-5555", "+1 555 0100")), Optional("type", Kind, 6), Optional("primary", Bool, 2));
    private static readonly Gen<string> AddressObject = Object(
        Optional("streetAddress", Word, 6), Optional("locality", Word, 4), Optional("postalCode", Text("91608")), Optional("country", Text("USA", "US")),
        Optional("type", Kind, 6), Optional("primary", Bool, 2), Optional("formatted", Word, 2));

    private static readonly Gen<string> ValueObject = Object(Required("value", Word), Optional("display", Word, 3), Optional("type", Kind, 3), Optional("primary", Bool, 2));
    private static readonly Gen<string> CertificateObject = Object(Required("value", Base64));
    private static readonly Gen<string> GroupOfUser = Object(Required("value", Id), Optional("display", Word, 3));
    private static readonly Gen<string> Manager = Object(Required("value", Id), Optional("displayName", Word, 2), Optional("$ref", Url, 1));
    private static readonly Gen<string> Member = Object(Required("value", Id), Optional("type", Text("User", "Group")), Optional("display", Word, 2), Optional("$ref", Url, 1));
    private static readonly Gen<string> Meta = Object(Optional("resourceType", Text("User", "Group")), Optional("created", Date), Optional("lastModified", Date), Optional("version", Text("W/\"1\"")));

    private static readonly Gen<string> Enterprise = Object(
        Optional("employeeNumber", Text("701984", "1")), Optional("costCenter", Word, 3), Optional("organization", Word, 3), Optional("division", Word, 2),
        Optional("department", Word, 3), Optional("manager", Mostly(Manager), 3));

    /// <summary>A User's attributes (not its <c>schemas</c>): each optional, most of them valid.</summary>
    private static readonly Gen<string>[] UserAttributes =
    [
        Optional("externalId", Word, 3), Optional("name", Mostly(NameObject), 4), Optional("displayName", Word, 4), Optional("nickName", Word, 2),
        Optional("profileUrl", Url, 1), Optional("title", Word, 3), Optional("userType", Word, 2), Optional("preferredLanguage", Language, 2),
        Optional("locale", Language, 2), Optional("timezone", Text("America/Los_Angeles", "Europe/Paris"), 2), Optional("active", Bool, 5),
        Optional("password", Word, 2), Optional("emails", Many(EmailObject), 5), Optional("phoneNumbers", Many(PhoneObject), 3),
        Optional("ims", Many(ValueObject), 1), Optional("photos", Many(ValueObject), 1), Optional("addresses", Many(AddressObject), 3),
        Optional("groups", Many(GroupOfUser), 1), Optional("entitlements", Many(ValueObject), 2), Optional("roles", Many(ValueObject), 2),
        Optional("x509Certificates", Many(CertificateObject), 2), Optional(EnterpriseUrn, Mostly(Enterprise), 3), Optional("id", Id, 1),
        Optional("meta", Mostly(Meta), 1),
    ];

    private static readonly Gen<string> User = Object([
        Required("schemas", Schemas(UserUrn, $"[\"{UserUrn}\",\"{EnterpriseUrn}\"]")), Required("userName", Unique), .. UserAttributes]);

    private static readonly Gen<string> Group = Object(
        Required("schemas", Schemas(GroupUrn)), Required("displayName", Unique), Optional("externalId", Word, 3), Optional("members", Many(Member), 6),
        Optional("id", Id, 1), Optional("meta", Mostly(Meta), 1));

    // ---------------------------------------------------------------- filters and paths

    /// <summary>Comparisons the User schema has: attribute, operators, values of its type.</summary>
    private static readonly Gen<string> Comparison = Gen.OneOf(
        Compare(["userName", "USERNAME", "name.familyName", "name.givenName", "displayName", "title", "externalId", "id", "emails.value", "emails.type", $"{EnterpriseUrn}:employeeNumber", $"{UserUrn}:userName"],
            ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"], ["\"bjensen\"", "\"B\"", "\"\"", "\"alice\"", "\"work\"", "\"\\u00e9\""]),
        Compare(["active", "emails.primary"], ["eq", "ne"], ["true", "false"]),
        Compare(["meta.lastModified", "meta.created"], ["gt", "ge", "lt", "le", "eq"], ["\"2011-05-13T04:42:34Z\"", "\"2030-01-01T00:00:00+01:00\""]),
        Gen.OneOf("title", "emails", "name", "addresses", $"{EnterpriseUrn}:manager", "x509Certificates").Select(path => path + " pr"));

    /// <summary>PATCH paths with a value of the right type for each, and a few read-only ones.</summary>
    private static readonly (string Path, Gen<string> Value)[] PatchTargets =
    [
        ("title", Word), ("displayName", Word), ("nickName", Word), ("active", Bool), ("name", NameObject), ("name.givenName", Word), ("name.familyName", Word),
        ("emails", Many(EmailObject)), ("emails[type eq \"work\"]", EmailObject), ("emails[type eq \"work\"].value", Email), ("emails[primary eq true].display", Word),
        ("emails[value co \"@\"]", EmailObject), ("phoneNumbers", Many(PhoneObject)), ("addresses[type eq \"work\"].streetAddress", Word), ("addresses", Many(AddressObject)),
        ("roles", Many(ValueObject)), ("entitlements[value eq \"x\"]", ValueObject), ("x509Certificates", Many(CertificateObject)),
        ("members", Many(Member)), ("members[value eq \"u-1\"]", Member), ("members[value eq \"u-1\"].display", Word),
        ($"{EnterpriseUrn}:employeeNumber", Word), ($"{EnterpriseUrn}:manager", Manager), ($"{EnterpriseUrn}:manager.value", Id), (EnterpriseUrn, Enterprise),
        ("userName", Unique), ("externalId", Word), ("id", Id), ("meta.created", Date), ("groups", Many(GroupOfUser)), ("displayName", Word),
    ];

    /// <summary>Filters inside a value path: on the sub-attributes of emails, addresses, phone numbers.</summary>
    private static readonly Gen<string> ValueFilter = Gen.OneOf(
        Compare(["type", "value", "display"], ["eq", "co", "sw"], ["\"work\"", "\"@\""]),
        Compare(["primary"], ["eq", "ne"], ["true", "false"]),
        Gen.OneOf("type pr", "value pr", "type eq \"work\" and primary eq true"));

    private static readonly Gen<string> ValidFilter = Filters(3);

    /// <summary>Filters: from the User schema, from the grammar with any path and value, with text spliced in, or any characters.</summary>
    public static Gen<string> Filter { get; } = Gen.Frequency(
        (3, ValidFilter),
        (2, AnyFilter(2)),
        (3, Gen.Select(Gen.OneOf(ValidFilter, AnyFilter(2)), TextEdit.Array[1, 3], ApplyTextEdits)),
        (1, Gen.Char.Array[0, 40].Select(chars => new string(chars))));

    /// <summary>PATCH paths: the ones the schema has, with value filters, and the same with text spliced in.</summary>
    public static Gen<string> PatchPath { get; } = Gen.Frequency(
        (3, Gen.OneOf(PatchTargets.Select(t => t.Path).ToArray())),
        (2, Gen.Select(Gen.OneOf("emails", "members", "addresses", "phoneNumbers", "roles", "name", "userName"), AnyFilter(1), Gen.OneOf(string.Empty, ".value", ".display", ".primary", ".type", ".$ref", ".x", "."), (path, filter, tail) => $"{path}[{filter}]{tail}")),
        (2, Gen.Select(Gen.OneOf(PatchTargets.Select(t => t.Path).ToArray()), TextEdit.Array[1, 2], ApplyTextEdits)));

    // ---------------------------------------------------------------- messages

    private static readonly Gen<string> PatchOperation = Gen.Frequency(
        (6, Gen.OneOf(PatchTargets.Select(t => Object(Required("op", Operation), Required("path", Text(t.Path)), Optional("value", Mostly(t.Value), 9))).ToArray())),
        (2, Object(Required("op", Text("add", "replace")), Required("value", Mostly(Object([.. UserAttributes]))))),
        (1, Object(Required("op", Operation), Required("path", Mostly(PatchPath.Select(Quote))), Optional("value", Gen.OneOf(Word, Hostile), 8))));

    /// <summary>A user created with bulkId "a": what the operations after it refer to.</summary>
    private static readonly Gen<string> FirstBulkOperation = Object(Required("method", Text("POST")), Required("path", Text("/Users")), Required("bulkId", Text("a")), Required("data", Mostly(User)));

    private static readonly Gen<string> PatchOp = Object(Required("schemas", Schemas(PatchOpUrn)), Required("Operations", Mostly(Array(PatchOperation, 1, 4))));

    public static Gen<byte[]> Resource { get; } = Mixed(Gen.OneOf(User, Group));

    public static Gen<byte[]> PatchRequest { get; } = Mixed(PatchOp);

    public static Gen<byte[]> SearchRequest { get; } = Mixed(Object(
        Optional("schemas", Schemas(SearchRequestUrn), 8),
        // Mostly single comparisons, and a sortBy in one request of 200: the in-memory store compiles
        // each new filter, and each sorted query, into a delegate (about 25 ms for a sort here), which
        // costs far more than anything the fuzzing is after. The filter target has the variety.
        Optional("filter", Gen.Frequency((6, Comparison.Select(Quote)), (1, ValidFilter.Select(Quote)), (1, Filter.Select(Quote)), (1, Hostile)), 6),
        Gen.Frequency((199, Gen.Const(string.Empty)), (1, Optional("sortBy", Text("userName", "name.familyName", "meta.lastModified", "emails.value", "displayName", "emails", "nosuch", "emails[type eq \"work\"]"), 10))),
        Optional("sortOrder", Text("ascending", "descending", "DESCENDING", "up"), 3),
        Optional("startIndex", Mostly(Gen.Int[-1, 6].Select(i => i.ToString(CultureInfo.InvariantCulture))), 4),
        Optional("count", Mostly(Gen.Int[-1, 10].Select(i => i.ToString(CultureInfo.InvariantCulture))), 4),
        Optional("cursor", Text(string.Empty, "abc"), 1),
        Optional("attributes", Attributes(), 3),
        Optional("excludedAttributes", Attributes(), 3)));

    public static Gen<byte[]> BulkRequest { get; } = Mixed(Object(
        Required("schemas", Schemas(BulkRequestUrn)),
        Optional("failOnErrors", Mostly(Gen.Int[1, 3].Select(i => i.ToString(CultureInfo.InvariantCulture))), 3),
        Required("Operations", Mostly(Gen.Select(FirstBulkOperation, BulkOperation().Array[0, 4], (first, rest) => "[" + string.Join(',', [first, .. rest]) + "]")))));

    /// <summary>Printable ASCII as is, every other byte as \xNN: a failing input, ready to paste into a regression test.</summary>
    public static string Show(byte[] bytes) =>
        string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}"));

    /// <summary>A string with every character outside printable ASCII as \uXXXX.</summary>
    public static string Show(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < (char)0x7F and not '\\' ? c.ToString() : $"\\u{(int)c:X4}"));

    private static Gen<string> Operation => Mostly(Gen.OneOf("\"add\"", "\"replace\"", "\"remove\""), Gen.OneOf("\"Add\"", "\"REPLACE\"", "\"move\"", "1"));

    private static Gen<string> BulkOperation()
    {
        var bulkId = Text("b", "c", "b", "c", "a");
        var version = Optional("version", Text("W/\"1\"", "*"), 1);
        var path = Gen.OneOf("/Users/%ff", "/Users/%ZZ", "/Users/%00", "/Users/\ud800", "/Users\udc00", "//", "/Users/a/b", "/Me", "/Bulk", "", "/Users/bulkId:zz", "/Groups/bulkId:a");
        return Gen.OneOf(
            Object(Required("method", Text("POST")), Required("path", Text("/Users")), Required("bulkId", bulkId), Required("data", Mostly(User))),
            Object(Required("method", Text("POST")), Required("path", Text("/Groups")), Required("bulkId", bulkId), Required("data", Mostly(Group))),
            Object(Required("method", Text("PUT")), Required("path", Text("/Users/bulkId:a", "/Users/bulkId:b")), version, Required("data", Mostly(User))),
            Object(Required("method", Text("PATCH")), Required("path", Text("/Users/bulkId:a", "/Groups/bulkId:c", "/Users/u-1")), version, Required("data", Mostly(PatchOp))),
            Object(Required("method", Text("DELETE", "delete")), Required("path", Text("/Users/bulkId:b", "/Groups/bulkId:c", "/Users/u-1")), version),
            Object(Required("method", Text("POST", "GET", "PUT", "")), Required("path", Mostly(path.Select(Quote))), Optional("bulkId", bulkId, 5), Optional("data", Gen.OneOf(User, Group, PatchOp, Hostile), 6)));
    }

    private static Gen<string> Attributes() => Mostly(
        Gen.OneOf(
            Text("userName", "emails.value", "name", "userName,emails", "meta", "members", "nosuch", "urn:x"),
            Gen.OneOf("userName", "emails", "name.givenName", "displayName", "members.value", "groups", $"{EnterpriseUrn}:manager").Array[0, 3].Select(paths => "[" + string.Join(',', paths.Select(Quote)) + "]")));

    private static Gen<string> Compare(string[] paths, string[] operators, string[] values) =>
        Gen.Select(Gen.OneOf(paths), Gen.OneOf(operators), Gen.OneOf(values), (path, op, value) => $"{path} {op} {value}");

    private static Gen<string> Filters(int depth)
    {
        if (depth == 0)
        {
            return Comparison;
        }

        var inner = Filters(depth - 1);
        return Gen.Frequency(
            (5, Comparison),
            (2, Gen.Select(inner, Gen.OneOf(" and ", " or ", " AND "), inner, (left, op, right) => left + op + right)),
            (1, inner.Select(f => $"not ({f})")),
            (1, inner.Select(f => $"({f})")),
            (2, Gen.Select(Gen.OneOf("emails", "addresses", "phoneNumbers"), ValueFilter, (path, f) => $"{path}[{f}]")));
    }

    /// <summary>Filters from the grammar with any path, operator and value, most of them wrong.</summary>
    private static Gen<string> AnyFilter(int depth)
    {
        string[] paths = ["userName", "name.familyName", "emails", "members.value", "urn:", "urn:x:y", "a.b.c", "nosuch", "emails..value", ".", "", "\ud800", "na\u0000me", "$ref"];
        string[] values = ["\"bjensen\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"2011-02-30T25:61:61Z\"", "1e400", "9223372036854775808", "79228162514264337593543950336", "null", "01", "1.", "\"unterminated", "\"\\u12\"", "\"\\x\""];
        var comparison = Gen.Frequency(
            (4, Gen.Select(Gen.OneOf(paths), Gen.OneOf("eq", "ne", "co", "gt", "le", "EQ", "Pr", "xx"), Gen.OneOf(values), (path, op, value) => $"{path} {op} {value}")),
            (1, Gen.OneOf(paths).Select(path => $"{path} pr")));
        if (depth == 0)
        {
            return comparison;
        }

        var inner = AnyFilter(depth - 1);
        return Gen.Frequency(
            (4, comparison),
            (2, Gen.Select(inner, Gen.OneOf(" and ", " or ", " Or "), inner, (left, op, right) => left + op + right)),
            (1, inner.Select(f => $"not ({f})")),
            (2, Gen.Select(Gen.OneOf("emails", "members", "userName", $"{EnterpriseUrn}:manager"), inner, (path, f) => $"{path}[{f}]")));
    }

    private static string ApplyTextEdits(string text, (int Position, int Kind, string Fragment)[] edits)
    {
        var builder = new StringBuilder(text);
        foreach (var (position, kind, fragment) in edits)
        {
            var at = position % (builder.Length + 1);
            switch (kind)
            {
                case 0:
                    builder.Insert(at, fragment);
                    break;
                case 1 when at < builder.Length:
                    builder.Remove(at, Math.Min(1 + (position % 3), builder.Length - at));
                    break;
                default:
                    builder.Insert(at, fragment[0]);
                    break;
            }
        }

        return builder.ToString();
    }

    // ---------------------------------------------------------------- JSON building

    /// <summary>Mostly <paramref name="valid"/>; now and then something hostile in its place.</summary>
    private static Gen<string> Mostly(Gen<string> valid, Gen<string>? hostile = null) => Gen.Frequency((29, valid), (1, hostile ?? Hostile));

    private static Gen<string> Text(params string[] texts) => Mostly(Gen.OneOf(texts).Select(Quote));

    private static Gen<string> Schemas(string urn, params string[] more) =>
        Mostly(Gen.OneOf([$"[\"{urn}\"]", .. more]), Gen.OneOf("[]", "\"x\"", "[1]", $"[\"{urn.ToUpperInvariant()}\"]", $"[\"{urn}\",\"urn:x\"]"));

    /// <summary>A name, now and then in other case or replaced by one the schema does not have.</summary>
    private static Gen<string> Name(string name) =>
        Gen.Frequency((100, Gen.Const(name)), (1, Gen.Const(name.ToUpperInvariant())), (1, Gen.OneOf("nosuch", string.Empty, "\\ud800", name + "2")));

    /// <summary>A member that is almost always there (left out, or given twice in other case, now and then).</summary>
    private static Gen<string> Required(string name, Gen<string> value) => Gen.Frequency(
        (1, Gen.Const(string.Empty)),
        (197, Gen.Select(Name(name), value, (n, v) => $"\"{n}\":{v}")),
        (2, Gen.Select(value, value, (a, b) => $"\"{name}\":{a},\"{name.ToUpperInvariant()}\":{b}")));

    /// <summary>A member that is there <paramref name="tenths"/> times in ten (and given twice now and then).</summary>
    private static Gen<string> Optional(string name, Gen<string> value, int tenths = 5) => Gen.Frequency(
        ((10 - tenths) * 10, Gen.Const(string.Empty)),
        ((tenths * 10) - 1, Gen.Select(Name(name), value, (n, v) => $"\"{n}\":{v}")),
        (1, Gen.Select(value, value, (a, b) => $"\"{name}\":{a},\"{name.ToUpperInvariant()}\":{b}")));

    /// <summary>An object of the members that are there, in order.</summary>
    private static Gen<string> Object(params Gen<string>[] members) =>
        members.Aggregate(Gen.Const(string.Empty), (all, member) => Gen.Select(all, member, (a, m) => m.Length == 0 ? a : a.Length == 0 ? m : a + "," + m))
            .Select(all => "{" + all + "}");

    private static Gen<string> Array(Gen<string> item, int min, int max) => item.Array[min, max].Select(items => "[" + string.Join(',', items) + "]");

    /// <summary>A multi-valued attribute: mostly an array of one to three values.</summary>
    private static Gen<string> Many(Gen<string> item) => Mostly(Array(item, 1, 3), Gen.OneOf(Hostile, item));

    /// <summary>A JSON string literal; control characters and surrogates (paired or not) as \uXXXX escapes.</summary>
    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                < ' ' or (>= '\ud800' and <= '\udfff') => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }

    // ---------------------------------------------------------------- bytes

    private enum Edit
    {
        Insert,
        Delete,
        Replace,
        Repeat,
    }

    /// <summary>Structured messages as they are (most), with byte edits, or random bytes.</summary>
    private static Gen<byte[]> Mixed(Gen<string> structured)
    {
        var bytes = structured.Select(Encoding.UTF8.GetBytes);
        var edit = Gen.Select(Gen.OneOf(Enum.GetValues<Edit>()), Gen.Int[0, 4096], Gen.Int[1, 16], Gen.Frequency((3, Gen.OneOf(ByteFragments)), (1, Gen.Byte.Array[1, 2])));
        return Gen.Frequency(
            (7, bytes),
            (3, Gen.Select(bytes, edit.Array[1, 4], ApplyByteEdits)),
            (1, Gen.Byte.Array[0, 64]));
    }

    private static byte[] ApplyByteEdits(byte[] input, (Edit Kind, int Position, int Length, byte[] Fragment)[] edits)
    {
        var bytes = new List<byte>(input);
        foreach (var (kind, position, length, fragment) in edits)
        {
            var at = position % (bytes.Count + 1);
            var count = Math.Min(length, bytes.Count - at);
            switch (kind)
            {
                case Edit.Insert:
                    bytes.InsertRange(at, fragment);
                    break;
                case Edit.Delete:
                    bytes.RemoveRange(at, count);
                    break;
                case Edit.Replace:
                    bytes.RemoveRange(at, count);
                    bytes.InsertRange(at, fragment);
                    break;
                case Edit.Repeat:
                    bytes.InsertRange(at, bytes.GetRange(at, count));
                    break;
            }
        }

        return [.. bytes];
    }
}
