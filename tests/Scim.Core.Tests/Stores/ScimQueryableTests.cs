using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Tests.Querying;

namespace Scim.Core.Tests.Stores;

/// <summary><see cref="ScimQueryable"/>: a <see cref="ScimQuery"/> run over a host's own IQueryable through an attribute mapping.</summary>
public sealed class ScimQueryableTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ScimResourceType UserType = Registry.FindResourceType("User")!;

    private static readonly AttributeMapping<AppUser> Mapping = new AttributeMapping<AppUser>()
        .Map("id", u => u.Id)
        .Map("userName", u => u.Login)
        .Map("active", u => u.Enabled);

    private static readonly List<AppUser> Rows =
    [
        new("u05", "erin", true),
        new("u01", "Alice", true),
        new("u04", "dave", false),
        new("u02", "bob", true),
        new("u03", "Carol", true),
        new("u06", "frank", false),
        new("u07", "grace", true),
    ];

    private static ScimPage<AppUser> Run(ScimQuery query) =>
        new ScimQueryable(Registry).Execute(Rows.AsQueryable(), query, UserType, Mapping);

    private static string[] Ids(ScimPage<AppUser> page) => [.. page.Resources.Select(r => r.Id)];

    [Fact]
    public void Execute_FilterAndIndexPaging_CountsAllMatchesAndCutsThePageInIdOrder()
    {
        var page = Run(new ScimQuery { Filter = ScimFilterParser.Parse("active eq true"), StartIndex = 2, Count = 2 });

        Assert.Equal(5, page.TotalResults);
        Assert.Equal(["u02", "u03"], Ids(page));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public void Execute_CaseInsensitiveAttribute_MatchesInAnyCase()
    {
        var page = Run(new ScimQuery { Filter = ScimFilterParser.Parse("userName eq \"ALICE\"") });

        Assert.Equal(["u01"], Ids(page));
    }

    [Fact]
    public void Execute_SortBy_OrdersCaseInsensitively()
    {
        var page = Run(new ScimQuery { SortBy = "userName", SortOrder = SortOrder.Descending, Count = 3 });

        Assert.Equal(["u07", "u06", "u05"], Ids(page));
        Assert.Equal(7, page.TotalResults);
    }

    [Fact]
    public void Execute_CursorPaging_WalksEveryMatchOnceAndEndsWithoutACursor()
    {
        var seen = new List<string>();
        string? cursor = string.Empty;
        var pages = 0;
        while (cursor is not null)
        {
            var page = Run(new ScimQuery { Filter = ScimFilterParser.Parse("active eq true"), Cursor = cursor, Count = 2 });
            Assert.Equal(5, page.TotalResults);
            seen.AddRange(Ids(page));
            cursor = page.NextCursor;
            pages++;
        }

        Assert.Equal(["u01", "u02", "u03", "u05", "u07"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public void Execute_CursorOnAnExactMultiple_LastFullPageHasNoCursor()
    {
        var first = Run(new ScimQuery { Cursor = string.Empty, Count = 7 });

        Assert.Equal(7, first.Resources.Count);
        Assert.Null(first.NextCursor);
    }

    [Fact]
    public void EncodeDecodeCursor_RoundTrips()
    {
        Assert.Equal("u03", ScimQueryable.DecodeCursor(ScimQueryable.EncodeCursor("u03")));
        Assert.Null(ScimQueryable.DecodeCursor(string.Empty));
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("aGVsbG8")] // base64url of "hello": not one of ours
    public void Execute_ForeignCursor_Is400InvalidCursor(string cursor)
    {
        var error = Assert.Throws<ScimException>(() => Run(new ScimQuery { Cursor = cursor }));

        Assert.Equal((400, "invalidCursor"), (error.Status, error.ScimType));
    }

    [Fact]
    public void Execute_SortByWithCursor_Is400InvalidValue()
    {
        var error = Assert.Throws<ScimException>(() => Run(new ScimQuery { Cursor = string.Empty, SortBy = "userName" }));

        Assert.Equal((400, "invalidValue"), (error.Status, error.ScimType));
    }

    [Fact]
    public void Plan_MappingWithoutId_ThrowsInvalidOperation()
    {
        var mapping = new AttributeMapping<AppUser>().Map("userName", u => u.Login);

        var error = Assert.Throws<InvalidOperationException>(() => new ScimQueryable(Registry).Plan(Rows.AsQueryable(), new ScimQuery(), UserType, mapping));

        Assert.Contains("'id'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_GivesQueriesAProviderCanRunItself()
    {
        var plan = new ScimQueryable(Registry).Plan(Rows.AsQueryable(), new ScimQuery { Filter = ScimFilterParser.Parse("active eq false"), Count = 1 }, UserType, Mapping);

        var page = plan.CreatePage([.. plan.Page], plan.Matches.Count());

        Assert.Equal(2, page.TotalResults);
        Assert.Equal(["u04"], Ids(page));
    }

    /// <summary>A host's own user row.</summary>
    public sealed record AppUser(string Id, string Login, bool Enabled);
}
