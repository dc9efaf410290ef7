using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scim.Core.Provisioning;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// Whether the EF Core group store can keep every kind of member the service's groups may list.
/// Users and groups always. Another kind (an agent) only in the SCIM-owned membership table of a
/// model that also has the table of other resource types, and only when that kind is kept there
/// by <c>AddEntityFrameworkCoreResourceStore</c> over the same context: the membership row's
/// foreign key refers to that table. A host's own join entity has no place for such a member.
/// A service whose groups may list a member the store cannot keep is refused when the app starts
/// (with the options' check), and when the store is first built.
/// </summary>
internal sealed class GroupMemberKinds(Func<IServiceProvider, SchemaRegistry, string?> problem)
{
    /// <summary>What is wrong, or <see langword="null"/> when the store keeps every declared member kind.</summary>
    public string? Problem(IServiceProvider services) => problem(services, services.GetRequiredService<SchemaRegistry>());

    /// <summary>The check of a group store over <typeparamref name="TContext"/> whose memberships are <paramref name="membership"/>.</summary>
    /// <param name="membership">The memberships.</param>
    /// <param name="registrations">The service registrations, read when the check runs (the app's are complete by then): which store keeps each kind.</param>
    public static GroupMemberKinds For<TContext, TMember>(Membership<TMember> membership, IServiceCollection registrations)
        where TContext : DbContext
        where TMember : class =>
        new((services, registry) =>
        {
            if (registry.FindResourceType("Group") is not { } groupType)
            {
                return null;
            }

            var others = (registry.DeclaredMemberTypes(groupType) ?? []).Where(k => k is not ("User" or "Group")).ToList();
            if (others.Count == 0)
            {
                return null;
            }

            bool holds;
            using (var scope = services.CreateScope())
            {
                holds = membership.HoldsOtherKinds(EntityContexts.ModelOf<TContext>(scope.ServiceProvider));
            }

            if (!holds)
            {
                return membership is ScimMembership
                    ? $"Groups may list '{others[0]}' members; the SCIM-owned membership table keeps them only when the model has the table of other resource types too: call modelBuilder.ApplyScimResources() beside ApplyScimModel() in {typeof(TContext).Name} and add a migration, "
                        + "or leave them out of groups (for agents: AddAgents(o => o.AgentsInGroups = false))."
                    : $"The EF Core group store over the host's membership entity {typeof(TMember).Name} keeps users and groups as members, not '{others[0]}'. "
                        + "Serve agents with AddAgents(o => o.AgentsInGroups = false), or keep groups in the SCIM-owned tables (ApplyScimModel() and ApplyScimResources()), or in a store that holds such members.";
            }

            foreach (var kind in others)
            {
                // The registration that wins (the last), read rather than resolved: a store built
                // here could ask for the options this check is part of.
                var store = registrations.LastOrDefault(d => d.ServiceType == typeof(IResourceStore<JsonResource>) && d.IsKeyedService && Equals(d.ServiceKey, kind));
                if (store?.KeyedImplementationType != typeof(EntityResourceStore<TContext>))
                {
                    return $"Groups may list '{kind}' members, which the EF Core group store keeps only when '{kind}' is kept in the same database: call AddEntityFrameworkCoreResourceStore<{typeof(TContext).Name}>(\"{kind}\"), "
                        + $"or keep groups in a store that holds such members, or leave '{kind}' out of groups (for agents: AddAgents(o => o.AgentsInGroups = false)).";
                }
            }

            return null;
        });
}

/// <summary>The options' check of <see cref="GroupMemberKinds"/>, run when the app starts (<c>ValidateOnStart</c>).</summary>
internal sealed class GroupMemberKindsCheck(IServiceProvider services, GroupMemberKinds kinds) : IValidateOptions<ScimServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, ScimServiceOptions options) =>
        kinds.Problem(services) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
