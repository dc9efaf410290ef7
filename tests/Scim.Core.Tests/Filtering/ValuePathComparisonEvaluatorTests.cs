using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Schema;
using Scim.Core.Tests.Querying;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// Entra ID's <c>emails[type eq "work"].value eq "x"</c> and its variants evaluated over the users of
/// <see cref="SampleUsers"/>: the comparison applies to the elements the brackets select, so it
/// matches exactly when <c>emails[type eq "work" and value eq "x"]</c> does, in the evaluator and
/// in the LINQ translator alike. Alice: work alice@example.com (primary), home Alice@Home.org.
/// Dave: work dave@other.com, home dave@example.com. Carol: one "other" email. Bob: no email.
/// </summary>
public sealed class ValuePathComparisonEvaluatorTests
{
    private static readonly SchemaRegistry Registry = SampleUsers.CreateRegistry();
    private static readonly ScimResourceType UserType = SampleUsers.UserType(Registry);
    private static readonly ScimFilterEvaluator Evaluator = new(Registry);
    private static readonly LinqFilterTranslator Translator = new(Registry) { CaseFolding = CaseFolding.ToUpperInvariant };

    private static readonly (string User, string Filter, bool Expected)[] Rows =
    [
        ("alice", "emails[type eq \"work\"].value eq \"alice@example.com\"", true),
        // value is not caseExact.
        ("alice", "emails[type eq \"work\"].value eq \"ALICE@EXAMPLE.COM\"", true),
        // Alice has this address, but as her home email.
        ("alice", "emails[type eq \"work\"].value eq \"Alice@Home.org\"", false),
        ("alice", "emails[type eq \"home\"].value eq \"alice@home.org\"", true),
        // Dave's example.com address is his home one: one email must be both.
        ("dave", "emails[type eq \"work\"].value co \"example.com\"", false),
        ("dave", "emails[type eq \"home\"].value co \"example.com\"", true),
        ("dave", "emails[type eq \"work\"].value sw \"DAVE@\"", true),
        ("dave", "emails[type eq \"work\"].value ew \"other.com\"", true),
        ("dave", "emails[type eq \"work\"].value gt \"dave@m\"", true),
        ("dave", "emails[type eq \"work\"].value pr", true),
        ("alice", "emails[type eq \"work\"].primary eq true", true),
        ("alice", "emails[type eq \"home\"].primary eq true", false),
        ("alice", "emails[type eq \"home\"].primary pr", false),
        // ne applies to the selected elements: some work email whose value differs.
        ("dave", "emails[type eq \"work\"].value ne \"dave@other.com\"", false),
        ("dave", "emails[type eq \"work\"].value ne \"someone@other.com\"", true),
        // No work email: nothing is selected, so nothing matches, ne included.
        ("carol", "emails[type eq \"work\"].value eq \"carol@example.com\"", false),
        ("carol", "emails[type eq \"work\"].value ne \"x@example.com\"", false),
        ("carol", "emails[type eq \"other\"].value eq \"carol@example.com\"", true),
        ("bob", "emails[type eq \"work\"].value eq \"x@example.com\"", false),
        ("bob", "emails[type eq \"work\"].value pr", false),
        ("alice", "emails[type eq \"work\" or type eq \"home\"].value ew \".org\"", true),
        ("alice", "phoneNumbers[type eq \"mobile\"].value ew \"0199\"", true),
        ("alice", "phoneNumbers[type eq \"work\"].value ew \"0199\"", false),
        ("alice", "userName eq \"nobody\" or emails[type eq \"work\"].value eq \"alice@example.com\"", true),
        ("alice", "not (emails[type eq \"work\"].value eq \"alice@example.com\")", false),
    ];

    public static TheoryData<string, string, bool> Cases
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (var (user, filter, expected) in Rows)
            {
                data.Add(user, filter, expected);
            }

            return data;
        }
    }

    public static TheoryData<string> Filters => [.. Rows.Select(row => row.Filter).Distinct(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_ValuePathThenSubAttribute_MatchesTheSelectedElements(string user, string filter, bool expected)
    {
        Assert.Equal(expected, Evaluator.Compile(filter, UserType)(SampleUsers.Json(user)));
        Assert.Equal(expected, Translator.Translate(filter, UserType, ResourceMappings.User).Compile()(SampleUsers.Typed(user)));
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public void Compile_ValuePathThenSubAttribute_AgreesWithBracketedFormForEveryUser(string filter)
    {
        // The canonical text is the RFC form, with the comparison inside the brackets.
        var bracketed = ScimFilterParser.Parse(filter).ToString();
        Assert.DoesNotContain("].", bracketed, StringComparison.Ordinal);

        foreach (var name in SampleUsers.Names)
        {
            var json = SampleUsers.Json(name);
            Assert.Equal(Evaluator.Compile(bracketed, UserType)(json), Evaluator.Compile(filter, UserType)(json));
        }
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].display2 eq \"x\"", "'display2'")]
    [InlineData("emails[type eq \"work\"].primary gt true", "'gt'")]
    [InlineData("emails[type eq \"work\"].primary co \"t\"", "'co'")]
    [InlineData("ims[emails[type eq \"work\"].value eq \"x\"]", "cannot be nested")]
    [InlineData("userName[value eq \"a\"].value eq \"b\"", "'userName[...]' needs a complex attribute")]
    public void Compile_InvalidValuePathThenSubAttribute_ThrowsInvalidFilter(string filter, string fragment)
    {
        var error = Assert.Throws<ScimException>(() => Evaluator.Compile(filter, UserType));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Contains(fragment, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ValuePathThenSubAttributeWithStrictOptions_ThrowsInvalidFilter()
    {
        var strict = new ScimFilterEvaluator(Registry, new FilterOptions { Strict = true });

        var error = Assert.Throws<ScimException>(() => strict.Compile("emails[type eq \"work\"].value eq \"alice@example.com\"", UserType));

        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Contains("column 23", error.Detail, StringComparison.Ordinal);
    }
}
