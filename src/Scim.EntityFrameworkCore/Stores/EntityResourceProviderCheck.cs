using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scim.Core.Provisioning;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// Stops the app when it starts if a host type's EF Core store runs over a provider it writes no
/// SQL for (<see cref="JsonResourceSql.DialectOf"/>), instead of every query of that type failing.
/// Reads the provider from a context's options; nothing is connected.
/// </summary>
internal sealed class EntityResourceProviderCheck<TContext>(IServiceProvider services) : IValidateOptions<ScimServiceOptions>
    where TContext : DbContext
{
    public ValidateOptionsResult Validate(string? name, ScimServiceOptions options)
    {
        using var scope = services.CreateScope();
        var factory = scope.ServiceProvider.GetService<IDbContextFactory<TContext>>();
        using var owned = factory?.CreateDbContext();
        var context = owned ?? scope.ServiceProvider.GetService<TContext>();
        if (context is null)
        {
            return ValidateOptionsResult.Fail($"The EF Core store of host resource types needs {typeof(TContext).Name}: register it (AddDbContext, AddDbContextPool or AddDbContextFactory).");
        }

        var provider = context.Database.ProviderName;
        return JsonResourceSql.DialectOf(provider) is null ? ValidateOptionsResult.Fail(JsonResourceSql.UnsupportedProvider(provider)) : ValidateOptionsResult.Success;
    }
}
