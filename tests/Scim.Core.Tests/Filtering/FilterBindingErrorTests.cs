using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Tests.Querying;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// Filters that parse but do not bind to the User schema (plus the Acme host extension of
/// <see cref="SampleUsers"/>): 400 <c>invalidFilter</c> whose detail names the attribute, from the
/// evaluator and from the LINQ translator alike, since both bind the same way.
/// </summary>
public sealed class FilterBindingErrorTests
{
    private const string Enterprise = SampleUsers.EnterpriseUrn;

    private static readonly SchemaRegistry Registry = SampleUsers.CreateRegistry();
    private static readonly ScimResourceType UserType = SampleUsers.UserType(Registry);

    /// <summary>Filter, and a fragment the detail must contain (the attribute as the filter names it).</summary>
    public static TheoryData<string, string> DefaultModeErrors => new()
    {
        // Ordering operators on booleans and binaries (RFC 7644 §3.4.2.2).
        { "active gt true", "'active'" },
        { "active le false", "'active'" },
        { "emails.primary ge true", "'emails.primary'" },
        { "verified lt true", ":verified'" },
        { "x509Certificates.value gt \"QUJD\"", "'x509Certificates.value'" },
        { "badge lt \"QUJD\"", ":badge'" },
        // co/sw/ew on anything but strings.
        { "active sw \"t\"", "'active'" },
        { "meta.created co \"2011\"", "'meta.created'" },
        { "meta.lastModified sw \"2011\"", "'meta.lastModified'" },
        { "level co \"1\"", ":level'" },
        { "score ew \"5\"", ":score'" },
        // Values of the wrong type, even in lenient mode.
        { "active eq 1", "'active'" },
        { "level eq true", ":level'" },
        { "level eq \"three\"", ":level'" },
        { "meta.created eq 20110513", "'meta.created'" },
        // Malformed dateTime literals.
        { "meta.created gt \"yesterday\"", "'meta.created'" },
        { "meta.created eq \"2011-05-13\"", "'meta.created'" },
        { "hiredAt lt \"13/05/2011 04:42\"", ":hiredAt'" },
        // Only eq and ne compare with null.
        { "title gt null", "'title gt null'" },
        { "meta.created lt null", "'meta.created lt null'" },
        // Unknown names.
        { "nickname2 eq \"x\"", "'nickname2'" },
        { "nickname2 pr", "'nickname2'" },
        { "name.nickname eq \"x\"", "'nickname'" },
        { "emails[kind eq \"work\"]", "'kind'" },
        { $"{Enterprise}:badgeNumber pr", "'badgeNumber'" },
        // Structure: a sub-attribute of a simple attribute, brackets on a simple attribute or a
        // sub-attribute, nested brackets, paths inside brackets that are not plain sub-attribute names.
        { "userName.first eq \"x\"", "'userName'" },
        { "userName[value eq \"x\"]", "'userName" },
        { "name.givenName[value eq \"x\"]", "'name.givenName" },
        { "emails[type[value eq \"x\"]]", "'type" },
        { $"emails[{SampleUsers.CoreUrn}:emails.value eq \"x\"]", "emails.value'" },
        { "emails[value.display eq \"x\"]", "'value.display'" },
        // A complex attribute without a "value" sub-attribute cannot be compared as a whole.
        { "name eq \"Alice\"", "'name'" },
        { "meta gt \"2011-05-13T04:42:34Z\"", "'meta'" },
        { "addresses eq \"Hollywood\"", "'addresses'" },
        { "addresses co \"Hollywood\"", "'addresses'" },
        // schemas takes only eq/ne with a URN string.
        { "schemas co \"urn\"", "'schemas'" },
        // A URN that is not a schema of User.
        { "urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq \"x\"", "urn:ietf:params:scim:schemas:core:2.0:Group:displayName" },
    };

    /// <summary>Filter that lenient mode accepts and strict mode rejects at binding, and a fragment of the detail.</summary>
    public static TheoryData<string, string> StrictModeErrors => new()
    {
        { "active eq \"true\"", "'active'" },
        { "externalId eq 123", "'externalId'" },
        { "userName eq true", "'userName'" },
        { "level eq \"3\"", ":level'" },
        { "score eq \"4.25\"", ":score'" },
        { "USERNAME eq \"asmith\"", "'USERNAME'" },
        { "Emails.value pr", "'Emails'" },
        { "name.GIVENNAME eq \"x\"", "'GIVENNAME'" },
        { "emails[Type eq \"work\"]", "'Type'" },
        { $"{Enterprise}:Department eq \"x\"", "'Department'" },
        // "schemas" is an attribute too (RFC 7643 §3), so its casing is checked like any other.
        { $"Schemas eq \"{Enterprise}\"", "'Schemas'" },
    };

    /// <summary>Mistakes that stay errors when unknown attributes match nothing: only an unknown name is forgiven.</summary>
    public static TheoryData<string, string> ErrorsEvenWithNoMatch => new()
    {
        { "userName.first eq \"x\"", "'userName'" },
        { "userName[value eq \"x\"]", "'userName" },
        { "emails[type[value eq \"x\"]]", "'type" },
        { "active gt true", "'active'" },
        { "meta.created gt \"yesterday\"", "'meta.created'" },
        { "urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq \"x\"", "urn:ietf:params:scim:schemas:core:2.0:Group:displayName" },
    };

    [Theory]
    [MemberData(nameof(DefaultModeErrors))]
    public void Compile_InvalidForSchema_ThrowsInvalidFilterNamingAttribute(string filter, string fragment)
    {
        var evaluator = new ScimFilterEvaluator(Registry);
        var translator = new LinqFilterTranslator(Registry);

        AssertInvalidFilter(() => evaluator.Compile(filter, UserType), fragment);
        AssertInvalidFilter(() => translator.Translate(filter, UserType, ResourceMappings.User), fragment);
    }

    [Theory]
    [MemberData(nameof(StrictModeErrors))]
    public void Compile_StrictModeLooseFilter_ThrowsInvalidFilterNamingAttribute(string filter, string fragment)
    {
        var strict = new FilterOptions { Strict = true };

        AssertInvalidFilter(() => new ScimFilterEvaluator(Registry, strict).Compile(filter, UserType), fragment);
        AssertInvalidFilter(() => new LinqFilterTranslator(Registry, strict).Translate(filter, UserType, ResourceMappings.User), fragment);

        // The same text binds in lenient mode.
        Assert.NotNull(new ScimFilterEvaluator(Registry).Compile(filter, UserType));
    }

    [Theory]
    [MemberData(nameof(ErrorsEvenWithNoMatch))]
    public void Compile_StructuralMistakeWithNoMatch_StillThrows(string filter, string fragment)
    {
        var options = new FilterOptions { UnknownAttributes = UnknownFilterAttribute.NoMatch };

        AssertInvalidFilter(() => new ScimFilterEvaluator(Registry, options).Compile(filter, UserType), fragment);
    }

    [Fact]
    public void Compile_StrictModeCasingError_NamesSchemaSpelling()
    {
        var strict = new ScimFilterEvaluator(Registry, new FilterOptions { Strict = true });

        var error = Assert.Throws<ScimException>(() => strict.Compile("USERNAME eq \"asmith\"", UserType));

        Assert.Contains("'userName'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_OperatorOnBoolean_DetailNamesOperator()
    {
        var error = Assert.Throws<ScimException>(() => new ScimFilterEvaluator(Registry).Compile("active gt true", UserType));

        Assert.Contains("'gt'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnknownAttributeOnGroup_NamesAttribute()
    {
        var groupType = Registry.FindResourceType("Group")!;

        AssertInvalidFilter(() => new ScimFilterEvaluator(Registry).Compile("userName eq \"x\"", groupType), "'userName'");
        AssertInvalidFilter(() => new LinqFilterTranslator(Registry).Translate("members[display co \"x\"] and title pr", groupType, ResourceMappings.Group), "'title'");
    }

    [Fact]
    public void Translate_TypedUserMappingWithStrictCasing_ThrowsBeforeTouchingTheMapping()
    {
        // Binding happens before mapping lookup: even a mapping without the attribute reports the casing.
        var empty = new AttributeMapping<User>();
        var strict = new LinqFilterTranslator(Registry, new FilterOptions { Strict = true });

        AssertInvalidFilter(() => strict.Translate("USERNAME eq \"x\"", UserType, empty), "'USERNAME'");
    }

    private static void AssertInvalidFilter(Action action, string fragment)
    {
        var error = Assert.Throws<ScimException>(action);

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Contains(fragment, error.Detail, StringComparison.Ordinal);
    }
}
