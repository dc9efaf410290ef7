using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scim.Core.Events;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore.Tests.Infrastructure;
using Scim.EntityFrameworkCore.Tests.OwnedTables;

namespace Scim.EntityFrameworkCore.Tests.HostDatabase;

public class OutboxAccountsDbContext(DbContextOptions<OutboxAccountsDbContext> options) : DbContext(options)
{
    public DbSet<KeptAccount> Accounts => Set<KeptAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyScimEvents();
}

/// <summary>
/// A model with a table the database lacks (the outbox added to a database an earlier
/// <c>EnsureCreated</c> made): writes are 500, as they must be, and the error logged says which
/// table is missing and how to make it, not only the provider's "no such table".
/// </summary>
public abstract class MissingTableTests
{
    private const string Token = "missing-table-token-0c2a";

    protected abstract Provider Provider { get; }

    [Fact]
    public async Task ATableTheDatabaseLacks_IsNamedWithHowToMakeIt()
    {
        await using var app = await HostApp.StartAsync<OutboxAccountsDbContext>(
            Provider,
            scim => scim.AddEntityFrameworkCoreStores<OutboxAccountsDbContext>(stores => stores
                    .Users<KeptAccount>(users => users.Id(a => a.Id).Map("userName", a => a.UserName)))
                .Services.AddSingleton<IScimEventSubscriber>(new RecordingSubscriber()),
            tokens => tokens.AddToken(ScimContext.DefaultTenant, "test", Token));
        await using (var db = app.Database())
        {
            await db.Database.ExecuteSqlRawAsync(Provider == Provider.Postgres ? "DROP TABLE \"ScimEvents\" CASCADE" : "DROP TABLE \"ScimEvents\"", TestContext.Current.CancellationToken);
        }

        var reply = await app.Client(Token).Post("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}""");

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Contains(app.Errors.Errors, e => e.Contains("The database has no table 'ScimEvents', which the model of OutboxAccountsDbContext has", StringComparison.Ordinal) && e.Contains("dotnet ef migrations add", StringComparison.Ordinal));
        await using (var db = app.Database())
        {
            Assert.Equal(0, await db.Accounts.CountAsync(TestContext.Current.CancellationToken));
        }
    }
}

/// <summary>A missing table on SQLite.</summary>
public sealed class SqliteMissingTableTests : MissingTableTests
{
    protected override Provider Provider => Provider.Sqlite;
}

/// <summary>A missing table on PostgreSQL.</summary>
public sealed class PostgresMissingTableTests : MissingTableTests
{
    protected override Provider Provider => Provider.Postgres;
}
