namespace Scim.Core.Agents;

/// <summary>The schema URNs of the IETF agent drafts (the drafts' own), for hosts and their tests.</summary>
public static class ScimAgents
{
    /// <summary>The Agent core schema; both drafts use this URN (draft-abbey-scim-agent-extension-00, draft-wzdk-scim-agent-resource-00).</summary>
    public const string AgentSchema = "urn:ietf:params:scim:schemas:core:2.0:Agent";

    /// <summary>The AgenticApplication core schema (draft-abbey-scim-agent-extension-00).</summary>
    public const string AgenticApplicationSchema = "urn:ietf:params:scim:schemas:core:2.0:AgenticApplication";
}

/// <summary>
/// Which draft's Agent schema the service serves. Both drafts define <c>Agent</c> at <c>/Agents</c>
/// under the same URN with different attributes, so a service serves one of them.
/// </summary>
public enum AgentDraft
{
    /// <summary>draft-abbey-scim-agent-extension-00 (October 2025): <c>name</c>, <c>agentType</c>, <c>owners</c>, <c>parent</c>, <c>protocols</c>, ... — the shape validators check today.</summary>
    Abbey00,

    /// <summary>draft-wzdk-scim-agent-resource-00 (June 2026), the working group's newer document: <c>agentUserName</c>, <c>displayName</c>, <c>description</c>, <c>active</c>, <c>owners</c>.</summary>
    Wzdk00,
}

/// <summary>What <c>AddAgents()</c> serves.</summary>
public sealed class ScimAgentOptions
{
    /// <summary>The draft whose Agent schema is served.</summary>
    /// <value>Defaults to <see cref="AgentDraft.Abbey00"/>.</value>
    public AgentDraft Draft { get; set; } = AgentDraft.Abbey00;

    /// <summary>Whether the <c>AgenticApplication</c> resource type (draft-abbey-scim-agent-extension-00) is served too.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AgenticApplications { get; set; } = true;

    /// <summary>
    /// Whether a group's members may be agents (the drafts give agents a read-only <c>groups</c>, as
    /// users have): <c>Agent</c> is added to the kinds a group's <c>members</c> may be. Turn it off
    /// when the group store's membership refers to users and groups only.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AgentsInGroups { get; set; } = true;
}
