// AI agents in the sample, off unless --Sample:Agents=true: the Agent and AgenticApplication
// resource types of the IETF agent drafts (AddAgents(), docs/agents.md) at /scim/v2/Agents and
// /scim/v2/AgenticApplications, kept where users and groups are (the SQLite or PostgreSQL
// database's ScimResources table, or memory). --Sample:AgentDraft=abbey-00|wzdk-00 picks the Agent
// schema (abbey-00 by default). With the database stores an agent cannot be a group member: the
// membership table refers to users and groups only.
using Microsoft.Extensions.DependencyInjection;
using Scim.Core;
using Scim.Core.Agents;

namespace Scim.Sample;

/// <summary>Whether and how the sample serves agents, from the "Sample" configuration section.</summary>
internal sealed class SampleAgents
{
    private SampleAgents(bool enabled, AgentDraft draft)
    {
        Enabled = enabled;
        Draft = draft;
    }

    /// <summary>Whether agents are served.</summary>
    public bool Enabled { get; }

    /// <summary>The draft whose Agent schema is served.</summary>
    public AgentDraft Draft { get; }

    /// <summary>Reads Sample:Agents and Sample:AgentDraft; a bad value stops the sample with the reason.</summary>
    public static SampleAgents From(IConfiguration configuration)
    {
        var enabled = configuration["Sample:Agents"]?.ToLowerInvariant() switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw new InvalidOperationException($"Sample:Agents must be true or false; got '{configuration["Sample:Agents"]}'."),
        };
        var draft = configuration["Sample:AgentDraft"]?.ToLowerInvariant() switch
        {
            null or "abbey-00" => AgentDraft.Abbey00,
            "wzdk-00" => AgentDraft.Wzdk00,
            _ => throw new InvalidOperationException($"Sample:AgentDraft must be abbey-00 or wzdk-00; got '{configuration["Sample:AgentDraft"]}'."),
        };
        if (!enabled && configuration["Sample:AgentDraft"] is not null)
        {
            throw new InvalidOperationException("Sample:AgentDraft has no use without Sample:Agents=true.");
        }

        return new SampleAgents(enabled, draft);
    }

    /// <summary>Serves agents, when enabled, from the store users and groups are kept in.</summary>
    public void Register(ScimBuilder scim, SampleStore store)
    {
        if (!Enabled)
        {
            return;
        }

        // Agents may be group members in either store (AgentsInGroups, the default): the database's
        // membership table refers to them with a foreign key to the resources table.
        scim.AddAgents(o => o.Draft = Draft);
        foreach (var type in new[] { "Agent", "AgenticApplication" })
        {
            if (store != SampleStore.Memory) // AddInMemoryStores() serves them
            {
                SampleDatabase.AddResourceStore(scim, store, type);
            }
        }
    }

    /// <summary>What the sample prints at startup.</summary>
    public string Description => !Enabled
        ? "Agents: off (--Sample:Agents=true serves them)"
        : $"Agents: {(Draft == AgentDraft.Abbey00 ? "draft-abbey-scim-agent-extension-00" : "draft-wzdk-scim-agent-resource-00")} at /scim/v2/Agents and /scim/v2/AgenticApplications";
}
