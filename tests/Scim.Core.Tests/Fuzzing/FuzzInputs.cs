using System.Globalization;
using System.Text;
using CsCheck;

namespace Scim.Core.Tests.Fuzzing;

/// <summary>
/// The inputs the fuzz targets are fed, at two levels. Structured: JSON messages of the right
/// shape (SearchRequest, BulkRequest, PatchOp, User, Group) and filters from the grammar, whose
/// members, paths and values come from pools that mix the expected with the hostile (lone
/// surrogate escapes, numbers no type holds, names in other cases, members given twice, wrong JSON
/// types). Byte-level: the same messages with bytes deleted, replaced, repeated or inserted
/// (invalid UTF-8 sequences included), and plain random bytes.
/// </summary>
internal static class FuzzInputs
{
    public const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string PatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string SearchRequestUrn = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    public const string BulkRequestUrn = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    /// <summary>Attribute paths: core, sub-attributes, URN-qualified, in other cases, unknown, malformed.</summary>
    private static readonly string[] AttributePaths =
    [
        "userName", "USERNAME", "id", "externalId", "displayName", "active", "title", "nickName", "password", "timezone", "locale",
        "name", "name.givenName", "name.familyName", "NAME.FORMATTED", "emails", "emails.value", "emails.type", "emails.primary", "emails.display",
        "phoneNumbers.value", "addresses.streetAddress", "addresses.primary", "x509Certificates.value", "roles", "entitlements.value",
        "members", "members.value", "members.$ref", "members.type", "groups.value", "meta", "meta.created", "meta.lastModified", "meta.version",
        "meta.resourceType", "schemas", "$ref", "value", "type",
        UserUrn + ":userName", UserUrn + ":name.givenName", EnterpriseUrn + ":employeeNumber", EnterpriseUrn + ":manager",
        EnterpriseUrn + ":manager.value", EnterpriseUrn, GroupUrn + ":displayName", "urn:", "urn:x:y", "a.b.c", "nosuch", "emails..value", ".", "",
        "\ud800", "na\u0000me", "userName\u00e9",
    ];

    private static readonly string[] Operators = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "Pr", "xx"];

    private static readonly string[] FilterValues =
    [
        "\"bjensen\"", "\"\"", "\"a\\\"b\\\\c\"", "\"\\u00e9\\uD83D\\uDE00\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"2011-05-13T04:42:34Z\"",
        "\"2011-02-30T25:61:61Z\"", "\"9999-12-31T23:59:59.9999999Z\"", "\"0001-01-01T00:00:00+14:00\"", "\"W/\\\"1\\\"\"", "\"TWFu\"",
        "0", "-1", "1.5", "1e400", "-1e400", "9223372036854775808", "79228162514264337593543950336", "1e-400", "true", "False", "null", "01", "1.",
        "\"unterminated", "\"\\u12\"", "\"\\x\"",
    ];

    /// <summary>Pieces spliced into a filter or path as text.</summary>
    private static readonly string[] FilterFragments =
    [
        "(", ")", "[", "]", "\"", "\\", ".", ":", " ", "\t", "\u00a0", "\u3000", " and ", " or ", "not ", " pr", " eq ", "urn:", "$ref",
        "\ud800", "\udc00", "\0", "\uffff", "\ud83d\ude00", "\u0130", "e", "1e400", "[type eq \"work\"]", "[value eq \"x\"].display",
    ];

    /// <summary>Strings as JSON literals: ordinary, empty, escaped, lone surrogates, NUL, ids, bulkIds, dates, versions, URNs.</summary>
    private static readonly string[] Strings =
    [
        "\"bjensen\"", "\"Babs\"", "\"\"", "\" \"", "\"x\"", "\"work\"", "\"home\"", "\"User\"", "\"Group\"", "\"true\"", "\"False\"", "\"1\"",
        "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\\\\"", "\"\\\"\"", "\"\\u00e9\"", "\"\\u0130\"",
        "\"bulkId:a\"", "\"bulkId:b\"", "\"bulkId:\"", "\"bulkId:\\ud800\"", "\"bulkId:a\\u0000\"",
        "\"u-1\"", "\"g-1\"", "\"2819c223-7f76-453a-919d-413861904646\"",
        "\"2008-01-23T04:56:22Z\"", "\"2008-02-30T04:56:22Z\"", "\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00-14:00\"", "\"2008-01-23\"",
        "\"TWFu\"", "\"TWF\"", "\"=\"", "\"W/\\\"1\\\"\"", "\"*\"", "\"https://example.com/v2/Users/u-1\"", "\"mailto:x@y\"", "\"en-US\"",
        "\"" + UserUrn + "\"", "\"" + GroupUrn + "\"", "\"" + EnterpriseUrn + "\"", "\"" + PatchOpUrn + "\"", "\"urn:x\"",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "2", "1.5", "-2.5e3", "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "2147483647", "2147483648", "-2147483649", "79228162514264337593543950336", "0.00000000000000000000000000001", "1E28", "1E29", "1000000",
    ];

    private static readonly string[] Literals = ["true", "false", "null"];

    private static readonly string[] ResourceNames =
    [
        "schemas", "id", "externalId", "userName", "UserName", "name", "formatted", "familyName", "givenName", "middleName", "honorificPrefix",
        "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone", "active", "password",
        "emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509Certificates", "members", "MEMBERS",
        "value", "display", "type", "primary", "$ref", "streetAddress", "locality", "region", "postalCode", "country",
        "meta", "resourceType", "created", "lastModified", "location", "version",
        EnterpriseUrn, "employeeNumber", "costCenter", "organization", "division", "department", "manager",
        UserUrn, "urn:x:y", "nosuch", "", "\\ud800", "na\\u0000me",
    ];

    private static readonly string[] PatchNames = ["schemas", "Operations", "operations", "op", "OP", "path", "value", "Value"];

    private static readonly string[] SearchNames =
    [
        "schemas", "filter", "Filter", "sortBy", "sortOrder", "startIndex", "count", "COUNT", "cursor", "attributes", "excludedAttributes", "other",
    ];

    private static readonly string[] BulkNames = ["schemas", "failOnErrors", "Operations", "operations", "method", "path", "bulkId", "version", "data"];

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

    /// <summary>An edit of a filter's text: where, insert a fragment, delete, or insert its first character.</summary>
    private static readonly Gen<(int Position, int Kind, string Fragment)> TextEdit =
        Gen.Select(Gen.Int[0, 200], Gen.Int[0, 2], Gen.OneOf(FilterFragments));

    private enum Edit
    {
        Insert,
        Delete,
        Replace,
        Repeat,
    }

    /// <summary>Filters from the grammar (and/or/not, groups, value paths, every operator), sometimes with text spliced in.</summary>
    public static Gen<string> Filter { get; } = Gen.Frequency(
        (3, FilterExpression(3)),
        (3, Gen.Select(FilterExpression(3), TextEdit.Array[1, 3], ApplyTextEdits)),
        (1, Gen.Char.Array[0, 40].Select(chars => new string(chars))));

    /// <summary>PATCH paths: attribute paths with value filters and sub-attributes.</summary>
    public static Gen<string> PatchPath { get; } = Gen.Frequency(
        (3, Gen.OneOf(AttributePaths)),
        (2, Gen.Select(Gen.OneOf(AttributePaths), FilterExpression(1), Gen.OneOf(string.Empty, ".value", ".display", ".primary", ".type", ".$ref", ".x", "."), (path, filter, tail) => $"{path}[{filter}]{tail}")),
        (1, Gen.Select(Gen.OneOf(AttributePaths), TextEdit.Array[1, 2], ApplyTextEdits)));

    public static Gen<byte[]> SearchRequest { get; } = Mixed(SearchRequestJson());

    public static Gen<byte[]> BulkRequest { get; } = Mixed(BulkRequestJson());

    public static Gen<byte[]> PatchRequest { get; } = Mixed(PatchRequestJson());

    public static Gen<byte[]> Resource { get; } = Mixed(Gen.OneOf(ResourceJson(UserUrn, "userName"), ResourceJson(GroupUrn, "displayName")));

    /// <summary>Printable ASCII as is, every other byte as \xNN: a failing input, ready to paste into a regression test.</summary>
    public static string Show(byte[] bytes) =>
        string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}"));

    /// <summary>A string with every character outside printable ASCII as \uXXXX.</summary>
    public static string Show(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < (char)0x7F and not '\\' ? c.ToString() : $"\\u{(int)c:X4}"));

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

    private static Gen<string> FilterExpression(int depth)
    {
        var value = Gen.OneOf(FilterValues);
        var comparison = Gen.Frequency(
            (4, Gen.Select(Gen.OneOf(AttributePaths), Gen.OneOf(Operators), value, (path, op, v) => $"{path} {op} {v}")),
            (1, Gen.OneOf(AttributePaths).Select(path => $"{path} pr")));
        if (depth == 0)
        {
            return comparison;
        }

        var inner = FilterExpression(depth - 1);
        return Gen.Frequency(
            (4, comparison),
            (2, Gen.Select(inner, Gen.OneOf(" and ", " or ", " AND ", " Or "), inner, (left, op, right) => left + op + right)),
            (1, inner.Select(f => $"not ({f})")),
            (1, inner.Select(f => $"({f})")),
            (2, Gen.Select(Gen.OneOf("emails", "members", "addresses", "phoneNumbers", "x509Certificates", "userName", "name", EnterpriseUrn + ":manager"), inner, (path, f) => $"{path}[{f}]")));
    }

    /// <summary>A JSON value: mostly from the pools, sometimes an array or object of names from <paramref name="names"/>.</summary>
    private static Gen<string> Json(string[] names, int depth)
    {
        var leaf = Gen.Frequency((6, Gen.OneOf(Strings)), (2, Gen.OneOf(Numbers)), (2, Gen.OneOf(Literals)));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Json(names, depth - 1);
        return Gen.Frequency(
            (5, leaf),
            (2, inner.Array[0, 3].Select(items => "[" + string.Join(',', items) + "]")),
            (3, Members(names, inner)));
    }

    private static Gen<string> Members(string[] names, Gen<string> value) =>
        Gen.Select(Gen.OneOf(names), value).Array[0, 5].Select(members => "{" + string.Join(',', members.Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}");

    /// <summary>A member, left out (empty), or given with a value from <paramref name="value"/> or any JSON.</summary>
    private static Gen<string> Member(string name, Gen<string> value, Gen<string> any) =>
        Gen.Frequency(
            (3, Gen.Const(string.Empty)),
            (6, value.Select(v => $"\"{name}\":{v},")),
            (1, any.Select(v => $"\"{name}\":{v},")),
            (1, Gen.Select(value, value, (a, b) => $"\"{name}\":{a},\"{name.ToUpperInvariant()}\":{b},")));

    private static string Object(params string[] members) => "{" + string.Concat(members).TrimEnd(',') + "}";

    private static Gen<string> Schemas(string urn) =>
        Gen.Frequency((8, Gen.Const($"[\"{urn}\"]")), (1, Gen.Const($"[\"{urn.ToUpperInvariant()}\"]")), (1, Gen.OneOf("[]", "\"x\"", $"[\"{urn}\",\"{EnterpriseUrn}\"]", "[1]")));

    private static Gen<string> JsonString(Gen<string> text) => text.Select(Quote);

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

    private static Gen<string> SearchRequestJson()
    {
        var any = Json(SearchNames, 1);
        var attributes = Gen.OneOf(
            JsonString(Gen.OneOf(AttributePaths)),
            Gen.OneOf(AttributePaths).Array[0, 3].Select(paths => "[" + string.Join(',', paths.Select(Quote)) + "]"));
        return Gen.Select(
            Gen.Select(Member("schemas", Schemas(SearchRequestUrn), any), Member("filter", JsonString(Filter), any), Member("sortBy", JsonString(Gen.OneOf(AttributePaths)), any), Member("sortOrder", Gen.OneOf("\"ascending\"", "\"descending\"", "\"DESCENDING\"", "\"up\""), any)),
            Gen.Select(Member("startIndex", Gen.OneOf(Numbers), any), Member("count", Gen.OneOf(Numbers), any), Member("cursor", Gen.OneOf(Strings), any), Member("attributes", attributes, any), Member("excludedAttributes", attributes, any)),
            (a, b) => Object(a.Item1, a.Item2, a.Item3, a.Item4, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5));
    }

    private static Gen<string> ResourceJson(string urn, string requiredName)
    {
        var any = Json(ResourceNames, 3);
        return Gen.Select(
            Member("schemas", Schemas(urn), any),
            Member(requiredName, Gen.OneOf(Strings), any),
            Members(ResourceNames, Json(ResourceNames, 2)),
            (schemas, required, rest) => rest == "{}" ? Object(schemas, required) : "{" + schemas + required + rest[1..]);
    }

    private static Gen<string> PatchOperationJson()
    {
        var value = Json(ResourceNames, 2);
        return Gen.Select(
            Member("op", Gen.OneOf("\"add\"", "\"replace\"", "\"remove\"", "\"Add\"", "\"REPLACE\"", "\"move\"", "1"), value),
            Member("path", JsonString(PatchPath), value),
            Member("value", value, value),
            (op, path, v) => Object(op, path, v));
    }

    private static Gen<string> PatchRequestJson() =>
        Gen.Select(
            Member("schemas", Schemas(PatchOpUrn), Json(PatchNames, 1)),
            PatchOperationJson().Array[0, 4].Select(ops => "\"Operations\":[" + string.Join(',', ops) + "],"),
            (schemas, operations) => Object(schemas, operations));

    private static Gen<string> BulkRequestJson()
    {
        var any = Json(BulkNames, 1);
        var data = Gen.OneOf(ResourceJson(UserUrn, "userName"), ResourceJson(GroupUrn, "displayName"), PatchRequestJson());
        var path = Gen.OneOf(
            "\"/Users\"", "\"/Groups\"", "\"Users\"", "\"/users/\"", "\"/Users/u-1\"", "\"/Groups/g-1\"", "\"/Users/bulkId:a\"", "\"/Groups/bulkId:b\"",
            "\"/Users/%ff\"", "\"/Users/%ZZ\"", "\"/Users/%00\"", "\"/Users/\\ud800\"", "\"/Users\\ud800\"", "\"//\"", "\"/Users/a/b\"", "\"/Me\"", "\"/Bulk\"", "\"\"");
        var operation = Gen.Select(
            Gen.Select(Member("method", Gen.OneOf("\"POST\"", "\"PUT\"", "\"PATCH\"", "\"DELETE\"", "\"post\"", "\"GET\""), any), Member("path", path, any), Member("bulkId", Gen.OneOf("\"a\"", "\"b\"", "\"c\"", "\"\"", "\"\\ud800\""), any)),
            Gen.Select(Member("version", Gen.OneOf(Strings), any), Member("data", data, any)),
            (a, b) => Object(a.Item1, a.Item2, a.Item3, b.Item1, b.Item2));
        return Gen.Select(
            Member("schemas", Schemas(BulkRequestUrn), any),
            Member("failOnErrors", Gen.OneOf(Numbers), any),
            operation.Array[0, 4].Select(ops => "\"Operations\":[" + string.Join(',', ops) + "],"),
            (schemas, failOnErrors, operations) => Object(schemas, failOnErrors, operations));
    }

    /// <summary>Structured messages as they are, with byte edits, or random bytes.</summary>
    private static Gen<byte[]> Mixed(Gen<string> structured)
    {
        var bytes = structured.Select(Encoding.UTF8.GetBytes);
        var edit = Gen.Select(Gen.OneOf(Enum.GetValues<Edit>()), Gen.Int[0, 4096], Gen.Int[1, 16], Gen.Frequency((3, Gen.OneOf(ByteFragments)), (1, Gen.Byte.Array[1, 2])));
        return Gen.Frequency(
            (4, bytes),
            (5, Gen.Select(bytes, edit.Array[1, 4], ApplyByteEdits)),
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
