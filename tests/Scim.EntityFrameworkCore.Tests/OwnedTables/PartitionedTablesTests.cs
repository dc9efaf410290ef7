using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scim.EntityFrameworkCore.Tests.Infrastructure;

namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// The SCIM-owned tables on PostgreSQL with declarative partitioning, as a host with very large
/// tenants would lay them out: users and groups partitioned by LIST on their tenant (a partition for
/// tenant "default", one for "b", a default partition for the rest), with the tenant in their
/// primary keys, as PostgreSQL requires of a partitioned table's unique indexes. The membership and
/// multi-valued attribute rows have no tenant column, so they are partitioned by HASH on their
/// group and user ids instead; and as a partitioned table's ids are unique only with the tenant,
/// nothing can refer to them by id alone: these tables have no foreign keys, and the store removes
/// a deleted user's memberships itself.
/// </summary>
public static class PartitionedTables
{
    /// <summary>Makes the model's tables (for their columns), then partitioned tables in their place.</summary>
    public static async Task CreateAsync(ScimTablesDbContext db)
    {
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("""
            ALTER TABLE "ScimUsers" RENAME TO "ScimUsers_model";
            ALTER TABLE "ScimGroups" RENAME TO "ScimGroups_model";
            ALTER TABLE "ScimGroupMembers" RENAME TO "ScimGroupMembers_model";
            ALTER TABLE "ScimUserValues" RENAME TO "ScimUserValues_model";

            CREATE TABLE "ScimUsers" (LIKE "ScimUsers_model") PARTITION BY LIST ("Tenant");
            CREATE TABLE "ScimGroups" (LIKE "ScimGroups_model") PARTITION BY LIST ("Tenant");
            CREATE TABLE "ScimGroupMembers" (LIKE "ScimGroupMembers_model") PARTITION BY HASH ("GroupId");
            CREATE TABLE "ScimUserValues" (LIKE "ScimUserValues_model") PARTITION BY HASH ("UserId");
            DROP TABLE "ScimUserValues_model", "ScimGroupMembers_model", "ScimUsers_model", "ScimGroups_model";

            -- PostgreSQL before 17 has no identity columns on partitioned tables: a sequence does the same.
            CREATE SEQUENCE "ScimUserValues_Id_seq" OWNED BY "ScimUserValues"."Id";
            ALTER TABLE "ScimUserValues" ALTER COLUMN "Id" SET DEFAULT nextval('"ScimUserValues_Id_seq"');

            -- Every unique index of a partitioned table includes its partition key.
            ALTER TABLE "ScimUsers" ADD CONSTRAINT "PK_ScimUsers" PRIMARY KEY ("Tenant", "Id");
            ALTER TABLE "ScimGroups" ADD CONSTRAINT "PK_ScimGroups" PRIMARY KEY ("Tenant", "Id");
            ALTER TABLE "ScimGroupMembers" ADD CONSTRAINT "PK_ScimGroupMembers" PRIMARY KEY ("GroupId", "MemberId");
            ALTER TABLE "ScimUserValues" ADD CONSTRAINT "PK_ScimUserValues" PRIMARY KEY ("UserId", "Id");
            CREATE UNIQUE INDEX "IX_ScimUsers_Tenant_NormalizedUserName" ON "ScimUsers" ("Tenant", "NormalizedUserName");
            CREATE INDEX "IX_ScimUsers_Tenant_ExternalId" ON "ScimUsers" ("Tenant", "ExternalId");
            CREATE INDEX "IX_ScimGroups_Tenant_NormalizedDisplayName" ON "ScimGroups" ("Tenant", "NormalizedDisplayName");
            CREATE INDEX "IX_ScimGroups_Tenant_ExternalId" ON "ScimGroups" ("Tenant", "ExternalId");
            CREATE INDEX "IX_ScimGroupMembers_MemberId" ON "ScimGroupMembers" ("MemberId");
            CREATE INDEX "IX_ScimGroupMembers_UserId" ON "ScimGroupMembers" ("UserId");
            CREATE INDEX "IX_ScimGroupMembers_NestedGroupId" ON "ScimGroupMembers" ("NestedGroupId");
            CREATE INDEX "IX_ScimUserValues_UserId_Attribute_Ordinal" ON "ScimUserValues" ("UserId", "Attribute", "Ordinal");

            CREATE TABLE "ScimUsers_default" PARTITION OF "ScimUsers" FOR VALUES IN ('default');
            CREATE TABLE "ScimUsers_b" PARTITION OF "ScimUsers" FOR VALUES IN ('b');
            CREATE TABLE "ScimUsers_rest" PARTITION OF "ScimUsers" DEFAULT;
            CREATE TABLE "ScimGroups_default" PARTITION OF "ScimGroups" FOR VALUES IN ('default');
            CREATE TABLE "ScimGroups_b" PARTITION OF "ScimGroups" FOR VALUES IN ('b');
            CREATE TABLE "ScimGroups_rest" PARTITION OF "ScimGroups" DEFAULT;
            CREATE TABLE "ScimGroupMembers_0" PARTITION OF "ScimGroupMembers" FOR VALUES WITH (MODULUS 2, REMAINDER 0);
            CREATE TABLE "ScimGroupMembers_1" PARTITION OF "ScimGroupMembers" FOR VALUES WITH (MODULUS 2, REMAINDER 1);
            CREATE TABLE "ScimUserValues_0" PARTITION OF "ScimUserValues" FOR VALUES WITH (MODULUS 2, REMAINDER 0);
            CREATE TABLE "ScimUserValues_1" PARTITION OF "ScimUserValues" FOR VALUES WITH (MODULUS 2, REMAINDER 1);
            """);
    }
}

/// <summary>The store over the partitioned tables: each tenant's rows in its own partition, and SCIM works as on plain tables.</summary>
public sealed class PartitionedTablesTests
{
    private const string User = "urn:ietf:params:scim:schemas:core:2.0:User";

    [Fact]
    public async Task TwoTenants_CreateReadFilterPatchMembershipDelete_EachInItsPartition()
    {
        await using var app = await ScimTablesApp.StartAsync(Provider.Postgres, createTables: PartitionedTables.CreateAsync);
        using var a = app.Client();
        using var b = app.OtherTenant();

        // The same userName in both tenants: unique per tenant only.
        var body = $$"""{"schemas":["{{User}}"],"userName":"ada@example.com","emails":[{"value":"ada@example.com","type":"work"}]}""";
        var adaA = (string)(await a.Post("Users", body)).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var adaB = (string)(await b.Post("Users", body)).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        var bob = (string)(await b.Post("Users", $$"""{"schemas":["{{User}}"],"userName":"bob@example.com"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        (await a.Post("Users", $$"""{"schemas":["{{User}}"],"userName":"ADA@example.com"}""")).Expect(HttpStatusCode.Conflict, app.Errors);

        Assert.Equal("ada@example.com", (string?)(await b.Get("Users/" + adaB)).Expect(HttpStatusCode.OK, app.Errors).Json["emails"]![0]!["value"]);
        (await b.Get("Users/" + adaA)).Expect(HttpStatusCode.NotFound, app.Errors);
        var found = (await b.Get("Users?filter=" + Uri.EscapeDataString("userName eq \"ADA@example.com\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(adaB, (string?)Assert.Single(found["Resources"]!.AsArray())!["id"]);
        var byEmail = (await a.Get("Users?filter=" + Uri.EscapeDataString("emails[type eq \"work\"].value eq \"ada@example.com\""))).Expect(HttpStatusCode.OK, app.Errors).Json;
        Assert.Equal(adaA, (string?)Assert.Single(byEmail["Resources"]!.AsArray())!["id"]);

        var group = (string)(await b.Post("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineers"}""")).Expect(HttpStatusCode.Created, app.Errors).Json["id"]!;
        (await b.Patch("Groups/" + group, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{adaB}}"},{"value":"{{bob}}"}]}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        (await b.Patch("Groups/" + group, Http.PatchOp($$"""{"op":"add","path":"members","value":[{"value":"{{adaA}}"}]}"""))).Expect(HttpStatusCode.BadRequest, app.Errors);
        (await b.Patch("Groups/" + group, Http.PatchOp($$"""{"op":"remove","path":"members[value eq \"{{bob}}\"]"}"""))).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Equal([adaB], Members((await b.Get("Groups/" + group)).Expect(HttpStatusCode.OK, app.Errors).Json));
        Assert.Equal(group, (string?)(await b.Get("Users/" + adaB)).Expect(HttpStatusCode.OK, app.Errors).Json["groups"]![0]!["value"]);
        (await a.Get("Groups/" + group)).Expect(HttpStatusCode.NotFound, app.Errors);

        await using (var db = app.Database())
        {
            Assert.Equal(["ScimUsers_b:2", "ScimUsers_default:1"], await PartitionsAsync(db, "ScimUsers"));
            Assert.Equal(["ScimGroups_b:1"], await PartitionsAsync(db, "ScimGroups"));
        }

        (await b.Delete("Users/" + adaB)).Expect(HttpStatusCode.NoContent, app.Errors);
        Assert.Empty(Members((await b.Get("Groups/" + group)).Expect(HttpStatusCode.OK, app.Errors).Json));
        (await b.Get("Users/" + adaB)).Expect(HttpStatusCode.NotFound, app.Errors);
        (await a.Get("Users/" + adaA)).Expect(HttpStatusCode.OK, app.Errors);
        (await b.Delete("Groups/" + group)).Expect(HttpStatusCode.NoContent, app.Errors);
        await using (var db = app.Database())
        {
            Assert.Equal(0, await db.Set<ScimGroupMemberEntity>().CountAsync(TestContext.Current.CancellationToken));
            Assert.Equal(["ScimUsers_b:1", "ScimUsers_default:1"], await PartitionsAsync(db, "ScimUsers"));
            Assert.Equal(1, await db.Set<ScimUserValueEntity>().CountAsync(TestContext.Current.CancellationToken));
        }
    }

    private const string UsersByPartition = "SELECT tableoid::regclass::text || ':' || count(*) AS \"Value\" FROM \"ScimUsers\" GROUP BY tableoid ORDER BY 1";
    private const string GroupsByPartition = "SELECT tableoid::regclass::text || ':' || count(*) AS \"Value\" FROM \"ScimGroups\" GROUP BY tableoid ORDER BY 1";

    private static List<string> Members(JsonObject group) => [.. (group["members"] as JsonArray ?? []).Select(m => (string)m!["value"]!)];

    /// <summary>"partition:rows" for each partition of a table that has rows.</summary>
    private static async Task<List<string>> PartitionsAsync(ScimTablesDbContext db, string table) =>
        await db.Database.SqlQueryRaw<string>(table == "ScimUsers" ? UsersByPartition : GroupsByPartition)
            .Select(p => p.Replace("\"", string.Empty))
            .ToListAsync(TestContext.Current.CancellationToken);
}

/// <summary>
/// The races, over the partitioned tables: without foreign keys, a user deleted while it is added
/// to groups is still never left a member (the store locks the member rows as a key would).
/// </summary>
public sealed class PartitionedTablesConcurrencyTests : ConcurrencyTests
{
    protected override async Task<IScimApp> StartAsync() => await ScimTablesApp.StartAsync(Provider.Postgres, createTables: PartitionedTables.CreateAsync);
}
