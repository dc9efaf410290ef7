using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Events;
using Scim.Core.Stores;
using Scim.Core.Schema;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

/// <summary>An account as most apps have it: one email column (and its normalized copy), two phone columns, a city and a country.</summary>
public class ContactAccount
{
    public int Id { get; set; }

    public string UserName { get; set; } = string.Empty;

    public string? Email { get; set; }

    public string? NormalizedEmail { get; set; }

    public string? WorkPhone { get; set; }

    public string? MobilePhone { get; set; }

    public string? City { get; set; }

    public string? Country { get; set; }

    public string? Stamp { get; set; }
}

public class ContactAccountsDbContext(DbContextOptions<ContactAccountsDbContext> options) : DbContext(options)
{
    public DbSet<ContactAccount> Accounts => Set<ContactAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ContactAccount>().HasIndex(a => a.UserName).IsUnique();
        modelBuilder.Entity<ContactAccount>().HasIndex(a => a.NormalizedEmail);
    }
}

/// <summary>
/// A multi-valued attribute kept one value per type in the entity's own columns
/// (<c>emails[type eq "work"].value</c> to an account's <c>Email</c>): what each identity
/// provider sends lands in the columns, reads give it back typed and primary, PATCH by value
/// filter changes the column, and every filter on the attribute is answered from the columns in
/// SQL. Before, a map could not keep <c>emails</c> at all, and every IdP sends it.
/// </summary>
public abstract class TypedValueColumnsTests
{
    private const string Token = "typed-values-token-51f0";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected abstract Provider Provider { get; }

    private Task<HostApp<ContactAccountsDbContext>> StartAsync(bool keepsVersion = false, IScimEventSubscriber? subscriber = null) =>
        HostApp.StartAsync<ContactAccountsDbContext>(
            Provider,
            scim =>
            {
                if (subscriber is not null)
                {
                    scim.Services.AddSingleton(subscriber);
                }

                Stores(scim, keepsVersion);
            },
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token));

    private static void Stores(ScimBuilder scim, bool keepsVersion) =>
        scim.AddEntityFrameworkCoreStores<ContactAccountsDbContext>(stores => stores
                .Users<ContactAccount>(users =>
                {
                    if (keepsVersion)
                    {
                        users.Version(a => a.Stamp);
                    }

                    users
                    .Id(a => a.Id)
                    .Map("userName", a => a.UserName)
                    .MapNormalized("emails[type eq \"work\"].value", a => a.Email, a => a.NormalizedEmail)
                    .Map("phoneNumbers[type eq \"work\"].value", a => a.WorkPhone)
                    .Map("phoneNumbers[type eq \"mobile\"].value", a => a.MobilePhone)
                    .Map("addresses[type eq \"work\"].locality", a => a.City)
                    .Map("addresses[type eq \"work\"].country", a => a.Country);
                }));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AChangeOfWhatNoColumnKeeps_ChangesNothing_NoVersionNoEvent(bool keepsVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        var subscriber = new RecordingSubscriber();
        await using var app = await StartAsync(keepsVersion, subscriber);
        var client = app.Client(Token);
        var errors = app.Errors;
        var created = (await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada","emails":[{"value":"ada@example.com","type":"work"}]}""")).Expect(HttpStatusCode.Created, errors);
        var id = Id(created.Json);
        var version = created.ETag;

        // A fax number and a home email: no column keeps them.
        foreach (var operation in new[]
        {
            """{"op":"add","path":"phoneNumbers","value":[{"value":"777","type":"fax"}]}""",
            """{"op":"add","path":"emails","value":[{"value":"home@example.com","type":"home"}]}""",
        })
        {
            var patched = (await client.Patch($"Users/{id}", Http.PatchOp(operation))).Expect(HttpStatusCode.OK, errors);
            Assert.Equal(version, patched.ETag);
            Assert.Null(patched.Json["phoneNumbers"]);
            Assert.Single(patched.Json["emails"]!.AsArray());
        }

        Assert.Equal(version, (await client.Get($"Users/{id}")).Expect(HttpStatusCode.OK, errors).ETag);

        // A change a column keeps is a change: a new version, and its event after the create's, nothing between.
        var changed = (await client.Patch($"Users/{id}", Http.PatchOp("""{"op":"replace","path":"emails[type eq \"work\"].value","value":"ada@new.example.com"}"""))).Expect(HttpStatusCode.OK, errors);
        Assert.NotEqual(version, changed.ETag);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Patched], (await subscriber.OfAsync(id, 2)).Select(e => e.Kind));
        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task WhatEachProviderSends_LandsInTheColumns_AndReadsBackTyped()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var errors = app.Errors;

        // Okta and most others: a typed, primary work email; a mobile phone; a work address.
        var okta = (await client.Post("Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"okta",
             "emails":[{"value":"Ada@Example.com","type":"work","primary":true}],
             "phoneNumbers":[{"value":"+47 555 0101","type":"mobile"}],
             "addresses":[{"type":"work","locality":"Oslo","country":"NO","primary":true}]}
            """)).Expect(HttpStatusCode.Created, errors).Json;
        AssertJson("""[{"value":"Ada@Example.com","type":"work","primary":true}]""", okta["emails"]!);
        AssertJson("""[{"value":"+47 555 0101","type":"mobile"}]""", okta["phoneNumbers"]!);
        Assert.Equal("Oslo", (string?)okta["addresses"]![0]!["locality"]);
        Assert.Equal("NO", (string?)okta["addresses"]![0]!["country"]);
        Assert.Equal(true, (bool?)okta["addresses"]![0]!["primary"]);

        // An email without a type (the column keeps it, as the first type's); a home email beside
        // a work one (the work one is kept); a home email alone (not kept: it would read back as
        // a work email, and a later change of it by its type would find nothing).
        var untyped = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"untyped","emails":[{"value":"u@example.com"}]}""")).Expect(HttpStatusCode.Created, errors).Json);
        var both = Id((await client.Post("Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"both","emails":[{"value":"h@example.com","type":"home","primary":true},{"value":"w@example.com","type":"Work"}]}
            """)).Expect(HttpStatusCode.Created, errors).Json);
        var home = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"home","emails":[{"value":"home@example.com","type":"home"}]}""")).Expect(HttpStatusCode.Created, errors).Json);
        var twoWork = Id((await client.Post("Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"twowork","emails":[{"value":"a@example.com","type":"work"},{"value":"b@example.com","type":"work","primary":true}],
             "phoneNumbers":[{"value":"111","type":"work"},{"value":"222","type":"mobile"},{"value":"333","type":"fax"}]}
            """)).Expect(HttpStatusCode.Created, errors).Json);
        var none = Id((await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"none"}""")).Expect(HttpStatusCode.Created, errors).Json);

        await using (var db = app.Database())
        {
            var rows = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.UserName, ct);
            Assert.Equal(("Ada@Example.com", "ADA@EXAMPLE.COM", null, "+47 555 0101", "Oslo", "NO"), (rows["okta"].Email, rows["okta"].NormalizedEmail, rows["okta"].WorkPhone, rows["okta"].MobilePhone, rows["okta"].City, rows["okta"].Country));
            Assert.Equal("u@example.com", rows["untyped"].Email);
            Assert.Equal("w@example.com", rows["both"].Email);
            Assert.Null(rows["home"].Email);
            Assert.Equal(("b@example.com", "111", "222"), (rows["twowork"].Email, rows["twowork"].WorkPhone, rows["twowork"].MobilePhone));
            Assert.Null(rows["none"].Email);
        }

        var read = (await client.Get($"Users/{twoWork}")).Expect(HttpStatusCode.OK, errors).Json;
        AssertJson("""[{"value":"111","type":"work","primary":true},{"value":"222","type":"mobile"}]""", read["phoneNumbers"]!);
        Assert.Null((await client.Get($"Users/{home}")).Expect(HttpStatusCode.OK, errors).Json["emails"]);
        Assert.Null((await client.Get($"Users/{none}")).Expect(HttpStatusCode.OK, errors).Json["emails"]);

        // Entra ID: a PATCH by value filter, and its no-path replace with such a key.
        (await client.Patch($"Users/{untyped}", Http.PatchOp("""{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@example.com"}"""))).Expect(HttpStatusCode.OK, errors);
        (await client.Patch($"Users/{both}?aadOptscim062020", Http.PatchOp("""{"op":"replace","value":{"emails[type eq \"work\"].value":"entra@example.com","phoneNumbers[type eq \"mobile\"].value":"999"}}"""))).Expect(HttpStatusCode.OK, errors);
        (await client.Patch($"Users/{twoWork}", Http.PatchOp("""{"op":"remove","path":"phoneNumbers[type eq \"mobile\"]"}"""))).Expect(HttpStatusCode.OK, errors);
        await using (var db = app.Database())
        {
            var rows = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.UserName, ct);
            Assert.Equal(("new@example.com", "NEW@EXAMPLE.COM"), (rows["untyped"].Email, rows["untyped"].NormalizedEmail));
            Assert.Equal(("entra@example.com", "999"), (rows["both"].Email, rows["both"].MobilePhone));
            Assert.Equal(("111", null), (rows["twowork"].WorkPhone, rows["twowork"].MobilePhone));
        }

        // A PUT without emails clears the column.
        (await client.Put($"Users/{twoWork}", $$"""{"schemas":["{{UserSchema}}"],"userName":"twowork"}""")).Expect(HttpStatusCode.OK, errors);
        await using (var db = app.Database())
        {
            var row = await db.Accounts.AsNoTracking().SingleAsync(a => a.UserName == "twowork", ct);
            Assert.Equal((null, null, null), (row.Email, row.NormalizedEmail, row.WorkPhone));
        }

        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task FiltersOnTheAttribute_AreAnsweredFromTheColumns()
    {
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var errors = app.Errors;
        await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"ada","emails":[{"value":"ada@example.com","type":"work"}],"phoneNumbers":[{"value":"+47 555 0101","type":"mobile"}],"addresses":[{"type":"work","locality":"Oslo"}]}""");
        await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"bob","emails":[{"value":"bob@other.org"}],"phoneNumbers":[{"value":"+1 555 0199","type":"work"}]}""");
        await client.Post("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"cy"}""");

        async Task<string[]> Names(string query)
        {
            var page = (await client.Get("Users?" + query)).Expect(HttpStatusCode.OK, errors).Json;
            return [.. page["Resources"]!.AsArray().Select(r => (string)r!["userName"]!)];
        }

        async Task<string[]> Matching(string filter) => [.. (await Names("filter=" + Uri.EscapeDataString(filter))).Order(StringComparer.Ordinal)];

        Assert.Equal(["ada"], await Matching("emails.value eq \"ADA@example.com\""));
        Assert.Equal(["ada"], await Matching("emails eq \"ada@example.com\""));
        Assert.Equal(["ada"], await Matching("emails[type eq \"work\"].value eq \"ada@example.com\""));
        Assert.Equal(["ada"], await Matching("emails[type eq \"WORK\" and value co \"example\"]"));
        Assert.Empty(await Matching("emails[type eq \"home\"].value eq \"ada@example.com\""));
        Assert.Equal(["ada", "bob"], await Matching("emails pr"));
        Assert.Equal(["cy"], await Matching("not (emails pr)"));
        Assert.Equal(["ada", "bob"], await Matching("emails[primary eq true]"));

        // Only the first type's value is primary; the others have no "primary", as they read.
        Assert.Equal(["bob"], await Matching("phoneNumbers[primary eq true]"));
        Assert.Equal(["bob"], await Matching("phoneNumbers.primary pr"));
        Assert.Empty(await Matching("phoneNumbers[primary eq false]"));
        Assert.Equal(["ada", "bob"], await Matching("emails.type eq \"work\""));
        Assert.Equal(["bob"], await Matching("emails.value ew \"other.org\""));
        Assert.Equal(["ada", "cy"], await Matching("emails.value ne \"bob@other.org\""));
        Assert.Equal(["ada"], await Matching("phoneNumbers[type eq \"mobile\" and value sw \"+47\"]"));
        Assert.Equal(["bob"], await Matching("phoneNumbers[type eq \"work\"].value co \"0199\""));
        Assert.Equal(["ada", "bob"], await Matching("phoneNumbers.value co \"555\""));
        Assert.Equal(["ada"], await Matching("addresses[type eq \"work\"].locality eq \"oslo\""));
        Assert.Equal(["ada"], await Matching("addresses.locality pr and emails.value sw \"ada\""));
        Assert.Empty(await Matching("addresses[country pr]"));

        // Sorted by the primary type's value, else the next type's (ada has a mobile phone only);
        // an account without one sorts last when ascending, as every sort does.
        Assert.Equal(["ada", "bob", "cy"], await Names("sortBy=emails.value"));
        Assert.Equal(["cy", "bob", "ada"], await Names("sortBy=emails&sortOrder=descending"));
        Assert.Equal(["bob", "ada", "cy"], await Names("sortBy=phoneNumbers.value"));
        Assert.Equal(["ada", "bob", "cy"], await Names("sortBy=phoneNumbers.type"));

        // What the map does not keep is refused as any unkept attribute is, in brackets or not.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Get("Users?filter=" + Uri.EscapeDataString("emails.display eq \"x\""))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Get("Users?filter=" + Uri.EscapeDataString("emails[display eq \"x\"]"))).Status);
        Assert.Empty(errors.Errors);
    }

    [Fact]
    public async Task TheSchemas_ShowWhatTheColumnsKeep()
    {
        await using var app = await StartAsync();
        var client = app.Client(Token);
        var user = (await client.Get("Schemas/" + UserSchema)).Expect(HttpStatusCode.OK, app.Errors).Json;
        string[] Subs(string attribute) =>
            [.. user["attributes"]!.AsArray().Single(a => (string?)a!["name"] == attribute)!["subAttributes"]!.AsArray().Select(s => (string)s!["name"]!).Order(StringComparer.Ordinal)];

        Assert.Equal(["primary", "type", "value"], Subs("emails"));
        Assert.Equal(["primary", "type", "value"], Subs("phoneNumbers"));
        Assert.Equal(["country", "locality", "primary", "type"], Subs("addresses"));
        Assert.DoesNotContain(user["attributes"]!.AsArray(), a => (string?)a!["name"] == "ims");
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");

    private static string Id(JsonNode resource) => (string)resource["id"]!;
}

/// <summary>Typed values in columns on SQLite.</summary>
public sealed class SqliteTypedValueColumnsTests : TypedValueColumnsTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>Typed values in columns on PostgreSQL.</summary>
public sealed class PostgresTypedValueColumnsTests : TypedValueColumnsTests
{
    protected override Provider Provider => Provider.Postgres;
}

/// <summary>Maps of typed values that cannot work are refused with what to write instead.</summary>
public sealed class TypedValueMapTests
{
    private static readonly SchemaRegistry Registry = Registry0();

    [Theory]
    [InlineData("emails.value", "emails[type eq \"work\"].value")]
    [InlineData("emails", "emails[type eq \"work\"].value")]
    [InlineData("emails[type eq \"work\"].type", "'type' is the one in the brackets")]
    [InlineData("emails[type eq \"work\"].primary", "the first type mapped is the primary one")]
    [InlineData("name[type eq \"work\"].givenName", "not a multi-valued attribute with a type")]
    [InlineData("emails[type eq \"work\"].nickname", "does not have")]
    public void AMapThatCannotWork_IsRefused_SayingWhatToMap(string path, string advice)
    {
        var map = new EntityMap<ContactAccount>().Id(a => a.Id).Map("userName", a => a.UserName).Map(path, a => a.Email);
        var error = Assert.Throws<InvalidOperationException>(() => new EntityShape<ContactAccount>(map, Registry, Registry.FindResourceType("User")!));
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameTypeTwice_IsRefused()
    {
        var map = new EntityMap<ContactAccount>().Id(a => a.Id).Map("userName", a => a.UserName)
            .Map("emails[type eq \"work\"].value", a => a.Email).Map("emails[type eq \"Work\"].value", a => a.NormalizedEmail);
        Assert.Throws<ArgumentException>(() => new EntityShape<ContactAccount>(map, Registry, Registry.FindResourceType("User")!));
    }

    [Fact]
    public void TwoAttributesInOneMember_AreRefused()
    {
        var map = new EntityMap<ContactAccount>().Id(a => a.Id).Map("userName", a => a.Email).Map("emails[type eq \"work\"].value", a => a.Email);
        var error = Assert.Throws<InvalidOperationException>(() => new EntityShape<ContactAccount>(map, Registry, Registry.FindResourceType("User")!));
        Assert.Contains("maps 'userName' and 'emails[type eq \"work\"].value' to Email", error.Message, StringComparison.Ordinal);

        // A normalized copy counts as written too; a write action of the host's does not.
        var normalized = new EntityMap<ContactAccount>().Id(a => a.Id).MapNormalized("userName", a => a.UserName, a => a.NormalizedEmail).MapNormalized("emails[type eq \"work\"].value", a => a.Email, a => a.NormalizedEmail);
        Assert.Contains("to NormalizedEmail", Assert.Throws<InvalidOperationException>(() => new EntityShape<ContactAccount>(normalized, Registry, Registry.FindResourceType("User")!)).Message, StringComparison.Ordinal);
        var readOnly = new EntityMap<ContactAccount>().Id(a => a.Id).Map("userName", a => a.Email).Map("emails[type eq \"work\"].value", a => a.Email, (a, value) => { });
        _ = new EntityShape<ContactAccount>(readOnly, Registry, Registry.FindResourceType("User")!);
    }

    [Fact]
    public async Task AMapThatCannotWork_StopsTheAppAtStartup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddDbContextFactory<ContactAccountsDbContext>(o => o.UseSqlite("Data Source=never-opened.db"));
        builder.Services.AddScim().AddEntityFrameworkCoreStores<ContactAccountsDbContext>(stores => stores
            .Users<ContactAccount>(users => users.Id(a => a.Id).Map("userName", a => a.UserName).Map("emails.value", a => a.Email)));
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("emails[type eq \"work\"].value", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists("never-opened.db"));
    }

    [Fact]
    public void AnAttributeWithoutPrimary_IsKeptByTypeWithoutOne()
    {
        const string Contact = "urn:example:params:scim:schemas:extension:contact:2.0:User";
        var registry = SchemaRegistry.CreateDefault();
        registry.AddSchemaExtension("User", new ScimSchema(Contact, "Contact", "Contact points",
        [
            new SchemaAttribute("contacts", AttributeType.Complex)
            {
                MultiValued = true,
                SubAttributes = [new SchemaAttribute("value", AttributeType.String), new SchemaAttribute("type", AttributeType.String)],
            },
        ]));
        var map = new EntityMap<ContactAccount>().Id(a => a.Id).Map("userName", a => a.UserName).Map(Contact + ":contacts[type eq \"pager\"].value", a => a.MobilePhone);
        var paths = map.PathsIn(registry, "User").ToList();
        Assert.Contains(Contact + ":contacts.type", paths);
        Assert.DoesNotContain(Contact + ":contacts.primary", paths);
        registry.DeclareStoredAttributes("User", paths);
        registry.Freeze();

        var shape = new EntityShape<ContactAccount>(map, registry, registry.FindResourceType("User")!);
        var tree = shape.ToTree(new ContactAccount { Id = 1, UserName = "u", MobilePhone = "555" });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"value":"555","type":"pager"}]"""), tree[Contact]!["contacts"]), tree.ToJsonString());
    }

    private static SchemaRegistry Registry0()
    {
        var registry = SchemaRegistry.CreateDefault();
        registry.Freeze();
        return registry;
    }
}
