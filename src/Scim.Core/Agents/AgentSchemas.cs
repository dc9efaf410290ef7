using Scim.Core.Schema;

namespace Scim.Core.Agents;

/// <summary>
/// The schemas and resource types of the IETF agent drafts, as data: the engine serves them like
/// any host-registered type. Each schema is the draft's own (URN, attribute names, types,
/// mutability, uniqueness); where a draft contradicts itself, the choice made is named beside the
/// attribute and in docs/agents.md.
/// </summary>
internal static class AgentSchemas
{
    /// <summary>The Agent resource type (both drafts: <c>Agent</c> at <c>/Agents</c>).</summary>
    public static ScimResourceType AgentType { get; } = new("Agent", "/Agents", ScimAgents.AgentSchema, "Agent identities");

    /// <summary>The AgenticApplication resource type (draft-abbey-scim-agent-extension-00 §5.2).</summary>
    public static ScimResourceType AgenticApplicationType { get; } =
        new("AgenticApplication", "/AgenticApplications", ScimAgents.AgenticApplicationSchema, "Applications that host or provide access to agents");

    /// <summary>The Agent schema of draft-abbey-scim-agent-extension-00 (§5.1.4 and §6.1).</summary>
    public static ScimSchema AbbeyAgent { get; } = new(ScimAgents.AgentSchema, "Agent", "An AI agent",
    [
        new SchemaAttribute("name", AttributeType.String)
        {
            Description = "Unique identifier for the Agent, typically used by the agent to directly authenticate to the service provider. REQUIRED.",
            Required = true,
            Uniqueness = Uniqueness.Server,
        },
        Text("displayName", "The display name of the Agent; when unassigned, the name may be used."),
        Text("description", "The description of the Agent."),
        Text("agentType", "Used to classify like agents, e.g. 'Assistant', 'Researcher', 'Chat bot'."),
        new SchemaAttribute("active", AttributeType.Boolean) { Description = "The Agent's administrative status." },

        // Derived by the service from the groups that list the agent as a member, like a user's.
        ReadOnlyGroups("A list of groups to which the agent belongs, either directly or through nested groups."),
        UserAttribute("entitlements"),
        UserAttribute("roles"),
        UserAttribute("x509Certificates"),

        // readOnly in §6.1's JSON: derived by the service from the applications whose 'agents' list the agent
        // (AgenticApplication.agents is where clients set the relation), as 'groups' is from the groups' members.
        new SchemaAttribute("applications", AttributeType.Complex)
        {
            Description = "A list of applications to which the agent belongs.",
            MultiValued = true,
            Mutability = Mutability.ReadOnly,
            SubAttributes =
            [
                new SchemaAttribute("value", AttributeType.String) { Description = "The identifier of the Agent's application.", Mutability = Mutability.ReadOnly },
                new SchemaAttribute("$ref", AttributeType.Reference) { Description = "The URI of the corresponding 'AgenticApplication' resource.", ReferenceTypes = ["AgenticApplication"], Mutability = Mutability.ReadOnly },
                new SchemaAttribute("display", AttributeType.String) { Description = "A human-readable name, primarily used for display purposes.", Mutability = Mutability.ReadOnly },
                new SchemaAttribute("type", AttributeType.String) { Description = "The kind of application, e.g. 'Web' (§5.1.4.1's example).", Mutability = Mutability.ReadOnly },
            ],
        },

        // §5.1.4 says clients may specify it when provisioning; §6.1's JSON says readOnly. The prose wins.
        Text("subject", "The subject to use for this agent in inbound tokens (the 'sub' claim), so that inbound token federation can correlate the agent."),

        // §5.1.4 says the attribute informs service providers (so clients send it) and names the
        // sub-attribute specificationUrl, as the example does; §6.1's JSON says readOnly and spells it specifiationUrl.
        new SchemaAttribute("protocols", AttributeType.Complex)
        {
            Description = "A list of protocols to communicate with the Agent.",
            MultiValued = true,
            SubAttributes =
            [
                new SchemaAttribute("type", AttributeType.String) { Description = "One of the canonical protocol types.", CanonicalValues = ["A2A", "OpenAPI", "MCP-Server"] },
                new SchemaAttribute("specificationUrl", AttributeType.String) { Description = "URL of the specification for the protocol for this agent." },
            ],
        },

        // §5.1.4 defines the parent agent and the owners as set by clients; §6.1's JSON marks them
        // readOnly (copied from groups). The prose wins: they are readWrite, and checked to refer to existing resources.
        new SchemaAttribute("parent", AttributeType.Complex)
        {
            Description = "Parent agent.",
            SubAttributes =
            [
                Text("value", "The identifier of the parent Agent."),
                new SchemaAttribute("$ref", AttributeType.Reference) { Description = "The URI of the corresponding 'Agent'.", ReferenceTypes = ["Agent"] },
                Text("display", "A human-readable name, primarily used for display purposes."),
            ],
        },
        Owners("A list of users or groups that are the accountable parties for the agent.", "User", "Group"),
    ]);

    /// <summary>
    /// The Agent schema of draft-wzdk-scim-agent-resource-00 where it differs from the other draft:
    /// <c>agentUserName</c> is the agent's unique name (not <c>name</c>), and owners are users.
    /// </summary>
    public static ScimSchema WzdkAgent { get; } = new(ScimAgents.AgentSchema, "Agent", "An AI agent's identity",
    [
        new SchemaAttribute("agentUserName", AttributeType.String)
        {
            Description = "The agent's unique name at the service provider, by which it authenticates. REQUIRED.",
            Required = true,
            Uniqueness = Uniqueness.Server,
        },
        Text("displayName", "The name of the agent, suitable for display to end-users."),
        Text("description", "A human-readable description of the agent."),
        new SchemaAttribute("active", AttributeType.Boolean) { Description = "The agent's administrative status." },
        ReadOnlyGroups("A list of groups to which the agent belongs, either directly or through nested groups."),
        Owners("The users accountable for the agent.", "User"),
    ]);

    /// <summary>The AgenticApplication schema of draft-abbey-scim-agent-extension-00 (§5.2.4; the draft gives no JSON for it).</summary>
    public static ScimSchema AgenticApplication { get; } = new(ScimAgents.AgenticApplicationSchema, "AgenticApplication", "An application exposing one or more agents to its users",
    [
        new SchemaAttribute("name", AttributeType.String) { Description = "The name of the Agentic Application. REQUIRED.", Required = true },
        Text("displayName", "The display name of the Agentic Application; when unassigned, the name may be used."),
        Text("description", "The description of the Agentic Application."),
        new SchemaAttribute("active", AttributeType.Boolean) { Description = "The application's administrative status." },
        new SchemaAttribute("applicationUrls", AttributeType.Complex)
        {
            Description = "URLs associated with the application.",
            MultiValued = true,
            SubAttributes =
            [
                new SchemaAttribute("type", AttributeType.String) { Description = "The type of URL.", CanonicalValues = ["ssoEndpoint", "loginPage", "api", "homepage"] },
                new SchemaAttribute("primary", AttributeType.Boolean) { Description = "Whether this is the primary URL of this type." },
                Text("value", "The URL string value."),
                Text("description", "A human-readable description of the URL."),
            ],
        },
        new SchemaAttribute("lastAccessed", AttributeType.DateTime) { Description = "When the application was last accessed by any agent or user." },
        new SchemaAttribute("oAuthConfiguration", AttributeType.Complex)
        {
            Description = "The OAuth connections of the application.",
            MultiValued = true,
            SubAttributes =
            [
                Text("clientId", "The OAuth client identifier (RFC 6749 §2.2)."),
                Text("description", "A human-readable description of the client ID."),
                Text("audienceUri", "The OAuth audience ('aud', RFC 7519 §4.1.3)."),
                Text("issuerUri", "The identity provider's issuer URI ('iss', RFC 7519 §4.1.1)."),
                new SchemaAttribute("redirectUri", AttributeType.String) { Description = "Authorized redirect URIs.", MultiValued = true },
            ],
        },

        // The prose names the reference sub-attribute 'ref'; RFC 7643 §2.4 names it '$ref', as the Agent schema does.
        new SchemaAttribute("agents", AttributeType.Complex)
        {
            Description = "Agents associated with this application.",
            MultiValued = true,
            SubAttributes =
            [
                Text("value", "The ID of an agent associated with this application."),
                new SchemaAttribute("$ref", AttributeType.Reference) { Description = "A URI reference to the agent.", ReferenceTypes = ["Agent"] },
                Text("display", "The display name of the agent."),
                new SchemaAttribute("type", AttributeType.String) { Description = "The relationship between the agent and the application.", CanonicalValues = ["owned", "authorized", "guest"] },
            ],
        },
        new SchemaAttribute("externalIdentifiers", AttributeType.Complex)
        {
            Description = "Identifiers associated with this application.",
            MultiValued = true,
            SubAttributes =
            [
                Text("type", "The type of identifier."),
                Text("value", "The identifier string value."),
                Text("system", "The system or domain this identifier is valid within."),
            ],
        },
    ]);

    private static SchemaAttribute Text(string name, string description) => new(name, AttributeType.String) { Description = description };

    private static SchemaAttribute UserAttribute(string name) =>
        BuiltInSchemas.User.FindAttribute(name) ?? throw new InvalidOperationException($"The User schema has no '{name}'.");

    private static SchemaAttribute ReadOnlyGroups(string description) => new("groups", AttributeType.Complex)
    {
        Description = description,
        MultiValued = true,
        Mutability = Mutability.ReadOnly,
        SubAttributes =
        [
            new SchemaAttribute("value", AttributeType.String) { Description = "The identifier of the agent's group.", Mutability = Mutability.ReadOnly },
            new SchemaAttribute("$ref", AttributeType.Reference) { Description = "The URI of the corresponding 'Group' resource.", ReferenceTypes = ["Group"], Mutability = Mutability.ReadOnly },
            new SchemaAttribute("display", AttributeType.String) { Description = "A human-readable name, primarily used for display purposes.", Mutability = Mutability.ReadOnly },
            new SchemaAttribute("type", AttributeType.String) { Description = "'direct' or 'indirect'.", CanonicalValues = ["direct", "indirect"], Mutability = Mutability.ReadOnly },
        ],
    };

    private static SchemaAttribute Owners(string description, params string[] kinds) => new("owners", AttributeType.Complex)
    {
        Description = description,
        MultiValued = true,
        SubAttributes =
        [
            Text("value", "The identifier of the owner."),
            new SchemaAttribute("$ref", AttributeType.Reference) { Description = "The URI of the owning resource.", ReferenceTypes = kinds },
            Text("display", "A human-readable name, primarily used for display purposes."),
        ],
    };
}
