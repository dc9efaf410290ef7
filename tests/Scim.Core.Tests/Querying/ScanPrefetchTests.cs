using Scim.Core.Filtering;
using Scim.Core.InMemory;
using Scim.Core.Querying;
using Scim.Core.Resources;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// The read-ahead a scan runs before testing rows: built for every filter of the corpus, it reads
/// rows with attributes missing at every level without throwing, and reads nothing it cannot place.
/// </summary>
public sealed class ScanPrefetchTests
{
    // Users with something missing at every step a read-ahead walks: no lists, empty lists, null
    // elements, elements with null values, empty strings, an extension without a manager.
    private static readonly User[] Holes =
    [
        new(),
        new() { Name = new Name(), EnterpriseUser = new EnterpriseUser() },
        new() { Emails = [], PhoneNumbers = [], Addresses = [] },
        new() { Emails = [null!], Addresses = [null!], Ims = [null!] },
        new() { Emails = [new Email()], Addresses = [new Address()], EnterpriseUser = new EnterpriseUser { Manager = new Manager() } },
        new() { UserName = string.Empty, Title = string.Empty, Emails = [new Email { Value = string.Empty, Type = string.Empty }] },
        new() { UserName = "bjensen", Active = true, Emails = [new Email { Value = "b@example.com", Type = "work" }], EnterpriseUser = new EnterpriseUser { Department = "Sales" } },
    ];

    private static readonly string[] WholeComplexAttributeOnly = ["meta pr", "name pr", "manager pr", "name eq null"];

    public static TheoryData<string> Filters => DifferentialTests.Filters;

    [Theory]
    [MemberData(nameof(Filters))]
    public void Build_CorpusFilter_ReadsRowsWithMissingAttributesWithoutThrowing(string filter)
    {
        var readAhead = ScanPrefetch.Build(ScimFilterParser.Parse(filter), ResourceMappings.StoredUser);

        if (WholeComplexAttributeOnly.Contains(filter))
        {
            // "name pr" and the like name no mapped member: nothing to read ahead.
            Assert.Null(readAhead);
            return;
        }

        Assert.NotNull(readAhead);
        foreach (var user in Holes)
        {
            readAhead(user);
        }
    }

    [Fact]
    public void Build_ReadsTheValuesTheFilterCompares()
    {
        var readAhead = ScanPrefetch.Build(ScimFilterParser.Parse("emails[type eq \"work\"] and userName sw \"b\""), ResourceMappings.StoredUser)!;

        // The last characters of "work" and "bjensen", as numbers.
        Assert.Equal('k' + 'n', readAhead(Holes[^1]));
        Assert.Equal(0, readAhead(Holes[0]));
    }

    [Fact]
    public void Build_AttributeTheMappingDoesNotHave_IsLeftOut()
    {
        var mapping = new AttributeMapping<User>().Map("userName", u => u.UserName);

        Assert.Null(ScanPrefetch.Build(ScimFilterParser.Parse("title eq \"vp\""), mapping));
        Assert.NotNull(ScanPrefetch.Build(ScimFilterParser.Parse("title eq \"vp\" or userName eq \"x\""), mapping));
    }
}
