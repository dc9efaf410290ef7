using Microsoft.Extensions.Options;
using Scim.Core.Provisioning;
using Scim.Core.Schema;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The options' check of a host entity's map, run when the app starts (<c>ValidateOnStart</c>):
/// the map is resolved against the schemas as the store will resolve it at its first request, so a
/// map that cannot work (an attribute the type does not have, two attributes in one member, a
/// multi-valued attribute without its type) stops the app with the reason instead of failing every
/// request. It needs no database.
/// </summary>
internal sealed class EntityMapCheck<TEntity>(SchemaRegistry registry, EntityMap<TEntity> map, string resourceType) : IValidateOptions<ScimServiceOptions>
    where TEntity : class
{
    public ValidateOptionsResult Validate(string? name, ScimServiceOptions options)
    {
        // The schemas are final once the app starts; the stores freeze them at their first request anyway.
        registry.Freeze();
        if (registry.FindResourceType(resourceType) is not { } type)
        {
            return ValidateOptionsResult.Fail($"The SCIM map of {typeof(TEntity).Name} is for {resourceType}, which the schemas do not have.");
        }

        try
        {
            _ = new EntityShape<TEntity>(map, registry, type);
            return ValidateOptionsResult.Success;
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException)
        {
            return ValidateOptionsResult.Fail(error.Message);
        }
    }
}
