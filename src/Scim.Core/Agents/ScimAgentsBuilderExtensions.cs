using Scim.Core;
using Scim.Core.Agents;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves the IETF agent drafts' resource types.</summary>
public static class ScimAgentsBuilderExtensions
{
    /// <summary>
    /// Serves AI agents (opt-in): the <c>Agent</c> resource type at <c>/Agents</c> with the schema of
    /// the draft <see cref="ScimAgentOptions.Draft"/> names, and <c>AgenticApplication</c> at
    /// <c>/AgenticApplications</c>, registered as host types are (<see cref="ScimBuilder.AddResourceType"/>):
    /// the engine serves them like any other, with the draft's mutability and uniqueness, owners and
    /// parents checked to exist, and an agent's <c>groups</c> derived from the groups that list it.
    /// /ServiceProviderConfig carries the <c>agentExtension</c> block; without this call nothing about
    /// agents is served or advertised. The types need stores: <c>AddInMemoryStores()</c>,
    /// <c>AddInMemoryStore("Agent")</c>, <c>AddResourceStore&lt;TStore&gt;("Agent")</c> or the EF Core store.
    /// </summary>
    /// <param name="builder">The builder <c>AddScim()</c> or <c>AddScimCore()</c> returned.</param>
    /// <param name="configure">Chooses the draft and what else is served.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">Called twice, or the Agent endpoint is taken.</exception>
    public static ScimBuilder AddAgents(this ScimBuilder builder, Action<ScimAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ScimAgentOptions();
        configure?.Invoke(options);
        if (!Enum.IsDefined(options.Draft))
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.Draft, "ScimAgentOptions.Draft must be Abbey00 or Wzdk00.");
        }

        if (builder.Registry.FindResourceType("Agent") is not null)
        {
            throw new InvalidOperationException("AddAgents() was called already (or the host registered an 'Agent' resource type of its own).");
        }

        builder.AddResourceType(AgentSchemas.AgentType, options.Draft == AgentDraft.Wzdk00 ? AgentSchemas.WzdkAgent : AgentSchemas.AbbeyAgent);
        if (options.AgenticApplications)
        {
            builder.AddResourceType(AgentSchemas.AgenticApplicationType, AgentSchemas.AgenticApplication);
        }

        if (options.AgentsInGroups && builder.Registry.FindResourceType("Group") is { } group)
        {
            var kinds = builder.Registry.DeclaredMemberTypes(group) ?? ["User", "Group"];
            builder.DeclareMemberTypes("Group", [.. kinds, "Agent"]);
        }

        // draft-abbey-scim-agent-extension-00 §4.1: the service says which parts it supports.
        var agenticApplications = options.AgenticApplications;
        builder.ConfigureService(service => service.ServiceProviderConfigMembers["agentExtension"] = new System.Text.Json.Nodes.JsonObject
        {
            ["supported"] = true,
            ["agentsSupported"] = true,
            ["agenticApplicationsSupported"] = agenticApplications,
        });
        return builder;
    }
}
