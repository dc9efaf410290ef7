using System.Text;
using Scim.Core.Errors;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// Reading a SearchRequest body (RFC 7644 §3.4.3) in Core: member names in any case, attributes as
/// an array or a comma-separated string; a member given twice, text that is not Unicode, a body that
/// is not an object, and numbers outside int32 are refused with the right scimType.
/// </summary>
public sealed class SearchRequestTests
{
    private const string SearchRequestUrn = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

    private static ScimListRequest Read(string json) => ScimListRequest.FromSearchRequest(Encoding.UTF8.GetBytes(json));

    private static ScimException Refused(string scimType, ReadOnlyMemory<byte> body)
    {
        var error = Assert.Throws<ScimException>(() => ScimListRequest.FromSearchRequest(body));
        Assert.Equal((400, scimType), (error.Status, error.ScimType));
        return error;
    }

    private static ScimException Refused(string scimType, string json) => Refused(scimType, Encoding.UTF8.GetBytes(json));

    // ---------------------------------------------------------------- good input

    [Fact]
    public void EveryMember_IsRead()
    {
        var request = Read($$"""
            {"schemas":["{{SearchRequestUrn}}"],"filter":"userName eq \"bjensen\"","sortBy":"name.familyName","sortOrder":"descending",
             "startIndex":3,"count":7,"cursor":"abc","attributes":["userName","emails"],"excludedAttributes":["groups"]}
            """);

        Assert.Equal("userName eq \"bjensen\"", request.Filter);
        Assert.Equal("name.familyName", request.SortBy);
        Assert.Equal("descending", request.SortOrder);
        Assert.Equal(3, request.StartIndex);
        Assert.Equal(7, request.Count);
        Assert.Equal("abc", request.Cursor);
        Assert.Equal("userName,emails", request.Attributes);
        Assert.Equal("groups", request.ExcludedAttributes);
    }

    [Fact]
    public void EmptyObject_LeavesEveryMemberUnset()
    {
        var request = Read("{}");

        Assert.Null(request.Filter);
        Assert.Null(request.SortBy);
        Assert.Null(request.SortOrder);
        Assert.Null(request.StartIndex);
        Assert.Null(request.Count);
        Assert.Null(request.Cursor);
        Assert.Null(request.Attributes);
        Assert.Null(request.ExcludedAttributes);
    }

    [Theory]
    [InlineData("""{"attributes":["userName","emails"]}""")]
    [InlineData("""{"attributes":"userName,emails"}""")]
    public void Attributes_AsArrayOrAsString_ReadTheSame(string json)
    {
        Assert.Equal("userName,emails", Read(json).Attributes);
    }

    [Theory]
    [InlineData("""{"excludedAttributes":["members"]}""")]
    [InlineData("""{"excludedAttributes":"members"}""")]
    public void ExcludedAttributes_AsArrayOrAsString_ReadTheSame(string json)
    {
        Assert.Equal("members", Read(json).ExcludedAttributes);
    }

    [Fact]
    public void MemberNames_AreCaseInsensitive()
    {
        var request = Read("""{"FILTER":"active eq true","Count":2,"startindex":4,"SortBy":"userName","ATTRIBUTES":["id"]}""");

        Assert.Equal("active eq true", request.Filter);
        Assert.Equal(2, request.Count);
        Assert.Equal(4, request.StartIndex);
        Assert.Equal("userName", request.SortBy);
        Assert.Equal("id", request.Attributes);
    }

    [Fact]
    public void NullMembers_AreUnset()
    {
        var request = Read("""{"filter":null,"count":null,"startIndex":null,"attributes":null,"cursor":null}""");

        Assert.Null(request.Filter);
        Assert.Null(request.Count);
        Assert.Null(request.StartIndex);
        Assert.Null(request.Attributes);
        Assert.Null(request.Cursor);
    }

    [Fact]
    public void EmptyCursor_IsKept_AsTheFirstPageOfCursorPaging()
    {
        Assert.Equal(string.Empty, Read("""{"cursor":""}""").Cursor);
    }

    [Theory]
    [InlineData("""{"count":2147483647,"startIndex":-2147483648}""", 2147483647, -2147483648)]
    [InlineData("""{"count":0,"startIndex":0}""", 0, 0)]
    [InlineData("""{"count":-5,"startIndex":1}""", -5, 1)]
    public void Numbers_AnywhereInInt32_AreRead(string json, int count, int startIndex)
    {
        var request = Read(json);

        Assert.Equal(count, request.Count);
        Assert.Equal(startIndex, request.StartIndex);
    }

    /// <summary>A member a SearchRequest does not define is refused: a misspelt <c>filter</c> would otherwise search everything.</summary>
    [Theory]
    [InlineData("""{"filters":"userName eq \"a\""}""", "filters")]
    [InlineData("""{"sort":"userName","count":1}""", "sort")]
    [InlineData("""{"count":1,"extra":{"nested":[1,2]}}""", "extra")]
    public void UnknownMember_IsInvalidSyntax_NamingIt(string json, string member)
    {
        var error = Refused(ScimErrorType.InvalidSyntax, json);

        Assert.Contains($"'{member}'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Schemas_InAnyCase_IsAccepted()
    {
        Assert.Equal(1, Read("""{"SCHEMAS":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"count":1}""").Count);
    }

    [Fact]
    public void EscapedText_IsUnescaped()
    {
        var request = Read("""{"filter":"displayName eq \"J\u00e9r\u00f4me \ud83d\ude00\""}""");

        Assert.Equal("displayName eq \"Jérôme 😀\"", request.Filter);
    }

    // ---------------------------------------------------------------- a member twice

    [Theory]
    [InlineData("""{"count":1,"count":2}""")]
    [InlineData("""{"count":1,"Count":2}""")]
    [InlineData("""{"COUNT":1,"count":1}""")]
    [InlineData("""{"filter":"a pr","FILTER":"b pr"}""")]
    [InlineData("""{"attributes":["a"],"Attributes":"b"}""")]
    [InlineData("""{"startIndex":1,"startindex":null}""")]
    public void MemberGivenTwice_InAnyCase_IsInvalidSyntax(string json)
    {
        Refused(ScimErrorType.InvalidSyntax, json);
    }

    [Fact]
    public void MemberGivenTwiceDifferingByCase_NamesTheMember()
    {
        var error = Refused(ScimErrorType.InvalidSyntax, """{"sortBy":"a","SORTBY":"b"}""");

        Assert.Contains("sortBy", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMemberGivenTwice_IsInvalidSyntax()
    {
        Refused(ScimErrorType.InvalidSyntax, """{"extra":1,"extra":2}""");
    }

    // ---------------------------------------------------------------- not Unicode, not JSON, not an object

    [Theory]
    [InlineData("""{"filter":"\ud800"}""")]
    [InlineData("""{"filter":"userName eq \"\udc00\""}""")]
    [InlineData("""{"attributes":["userName","\ud83d"]}""")]
    [InlineData("""{"cursor":"\ud800x"}""")]
    public void LoneSurrogateEscape_IsInvalidSyntax(string json)
    {
        var error = Refused(ScimErrorType.InvalidSyntax, json);

        Assert.Contains("Unicode", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public void InvalidUtf8InAString_IsInvalidSyntax(byte[] bad)
    {
        byte[] body = [.. "{\"filter\":\"userName eq \\\"x"u8, .. bad, .. "\\\"\"}"u8];

        Refused(ScimErrorType.InvalidSyntax, body);
    }

    [Fact]
    public void InvalidUtf8InAMemberName_IsInvalidSyntax()
    {
        byte[] body = [.. "{\"co"u8, 0xFF, .. "unt\":1}"u8];

        Refused(ScimErrorType.InvalidSyntax, body);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"count":1}]""")]
    [InlineData("\"filter\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void NotAnObject_IsInvalidSyntax(string json)
    {
        Refused(ScimErrorType.InvalidSyntax, json);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"count":1""")]
    [InlineData("""{"count":1,}""")]
    [InlineData("""{count:1}""")]
    [InlineData("""{"count":1} {}""")]
    [InlineData("""{"attributes":[[[["deep"]]]]}""")]
    public void NotJson_OrTooDeep_IsInvalidSyntax(string json)
    {
        Refused(ScimErrorType.InvalidSyntax, json);
    }

    // ---------------------------------------------------------------- values of the wrong type

    [Theory]
    [InlineData("""{"count":2147483648}""", "count")]
    [InlineData("""{"count":-2147483649}""", "count")]
    [InlineData("""{"startIndex":9223372036854775807}""", "startIndex")]
    [InlineData("""{"startIndex":-99999999999999999999999999999999}""", "startIndex")]
    public void IntegerOutsideInt32_IsInvalidValue_SayingItIsOutOfRange(string json, string member)
    {
        var error = Refused(ScimErrorType.InvalidValue, json);

        Assert.Equal($"'{member}' is an integer out of range: it must be between -2147483648 and 2147483647.", error.Detail);
    }

    [Theory]
    [InlineData("""{"count":1.5}""", "count")]
    [InlineData("""{"startIndex":0.1}""", "startIndex")]
    [InlineData("""{"count":10.0}""", "count")]
    [InlineData("""{"startIndex":1E1}""", "startIndex")]
    [InlineData("""{"startIndex":1e100}""", "startIndex")]
    [InlineData("""{"count":"10"}""", "count")]
    [InlineData("""{"startIndex":true}""", "startIndex")]
    public void NumberNotWrittenAsAnInteger_IsInvalidValue_GivingTheRange(string json, string member)
    {
        var error = Refused(ScimErrorType.InvalidValue, json);

        Assert.Equal($"'{member}' must be an integer between -2147483648 and 2147483647.", error.Detail);
    }

    [Theory]
    [InlineData("9223372036854775807", "is an integer out of range")]
    [InlineData("+2147483648", "is an integer out of range")]
    [InlineData("-2147483649", "is an integer out of range")]
    [InlineData("1.5", "must be an integer")]
    [InlineData("1e3", "must be an integer")]
    [InlineData("--5", "must be an integer")]
    [InlineData(" 5", "must be an integer")]
    [InlineData("5\0", "must be an integer")]
    [InlineData("9999999999\0", "must be an integer")]
    public void ParseInteger_QueryTextNotAnInt32_GetsTheSameAnswersAsTheBody(string text, string says)
    {
        var error = Assert.Throws<ScimException>(() => ScimListRequest.ParseInteger(text, "count"));

        Assert.Equal((400, ScimErrorType.InvalidValue), (error.Status, error.ScimType));
        Assert.StartsWith($"'count' {says}", error.Detail, StringComparison.Ordinal);
        Assert.EndsWith("between -2147483648 and 2147483647.", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2147483647", 2147483647)]
    [InlineData("-2147483648", -2147483648)]
    [InlineData("+7", 7)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ParseInteger_QueryTextInInt32_IsRead(string? text, int? expected)
    {
        Assert.Equal(expected, ScimListRequest.ParseInteger(text, "count"));
    }

    [Theory]
    [InlineData("""{"count":"10"}""", "count")]
    [InlineData("""{"startIndex":true}""", "startIndex")]
    [InlineData("""{"count":[1]}""", "count")]
    [InlineData("""{"filter":42}""", "filter")]
    [InlineData("""{"sortBy":["userName"]}""", "sortBy")]
    [InlineData("""{"sortOrder":{"by":"asc"}}""", "sortOrder")]
    [InlineData("""{"cursor":1}""", "cursor")]
    [InlineData("""{"attributes":{"a":1}}""", "attributes")]
    [InlineData("""{"attributes":["userName",1]}""", "attributes")]
    [InlineData("""{"excludedAttributes":[null]}""", "excludedAttributes")]
    [InlineData("""{"attributes":[["userName"]]}""", "attributes")]
    public void MemberOfTheWrongType_IsInvalidValue_NamingIt(string json, string member)
    {
        var error = Refused(ScimErrorType.InvalidValue, json);

        Assert.Contains($"'{member}'", error.Detail, StringComparison.Ordinal);
    }
}
