using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scim.Core.Provisioning;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// Stops the app when it starts if a host type's EF Core store runs over a provider it writes no
/// SQL for (<see cref="JsonResourceSql.DialectOf"/>), instead of every query of that type failing.
/// Reads the provider from a context's options; nothing is connected. A context that cannot be
/// made when the app starts is left unchecked (its queries then say the same).
/// </summary>
internal sealed class EntityResourceProviderCheck<TContext>(IServiceProvider services) : IValidateOptions<ScimServiceOptions>
    where TContext : DbContext
{
    public ValidateOptionsResult Validate(string? name, ScimServiceOptions options)
    {
        string? provider;
        using var scope = services.CreateScope();
        try
        {
            var factory = scope.ServiceProvider.GetService<IDbContextFactory<TContext>>();
            using var owned = factory?.CreateDbContext();
            var context = owned ?? scope.ServiceProvider.GetService<TContext>();
            if (context is null)
            {
                return ValidateOptionsResult.Fail($"The EF Core store of host resource types needs {typeof(TContext).Name}: register it (AddDbContext, AddDbContextPool or AddDbContextFactory).");
            }

            provider = context.Database.ProviderName;
        }
#pragma warning disable CA1031 // a context that cannot be made outside a request (one that needs the request's tenant, say) is not checked here
        catch (Exception)
#pragma warning restore CA1031
        {
            return ValidateOptionsResult.Skip;
        }

        return JsonResourceSql.DialectOf(provider) is null ? ValidateOptionsResult.Fail(JsonResourceSql.UnsupportedProvider(provider)) : ValidateOptionsResult.Success;
    }
}
