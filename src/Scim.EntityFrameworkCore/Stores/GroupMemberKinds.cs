using Microsoft.Extensions.Options;
using Scim.Core.Provisioning;
using Scim.Core.Schema;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The EF Core group store's membership rows refer to users and groups with foreign keys: a group
/// member of another kind (an agent) cannot be kept. A service whose groups may list such members
/// is refused when the app starts (with the options' check), and when the store is first built.
/// </summary>
internal sealed class GroupMemberKinds(SchemaRegistry registry) : IValidateOptions<ScimServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, ScimServiceOptions options) =>
        Problem(registry) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;

    /// <summary>What is wrong, or <see langword="null"/> when the declared member kinds are users and groups only.</summary>
    public static string? Problem(SchemaRegistry registry) =>
        registry.FindResourceType("Group") is { } groupType && registry.DeclaredMemberTypes(groupType)?.FirstOrDefault(k => k is not ("User" or "Group")) is { } other
            ? $"The EF Core group store keeps users and groups as members, not '{other}'. Serve agents with AddAgents(o => o.AgentsInGroups = false), or keep groups in a store that holds such members."
            : null;
}
