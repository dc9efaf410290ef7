using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Scim.Core.Events;
using Scim.Core.Schema;

namespace Scim.AspNetCore.Events;

/// <summary>
/// Writes a change event as a signed Security Event Token (RFC 8417) with the SCIM events of
/// RFC 9967: <c>jti</c> is the event's id (stable across retries, for de-duplication), <c>txn</c>
/// the write's id (shared by every event of one write and every receiver's copy), <c>sub_id</c> the
/// resource in the <c>scim</c> format (its path relative to the SCIM base, its id and externalId),
/// <c>aud</c> the receiver's audience, and <c>events</c> the event URIs that describe the change
/// (an activation or deactivation is both the put or patch that made it and <c>prov:activate</c> /
/// <c>prov:deactivate</c>). The header's <c>typ</c> is <c>secevent+jwt</c>; there is no <c>exp</c>
/// and no <c>sub</c>, so a SET cannot pass for an ID or access token. The tenant, actor and method
/// travel in the private claim <c>scim_audit</c>, with the IdP dialects the request needed.
/// </summary>
internal sealed class ScimSetWriter(SchemaRegistry registry, SigningCredentials credentials, string issuer, TimeProvider time)
{
    public const string MediaType = "application/secevent+jwt";
    public const string Prefix = "urn:ietf:params:scim:event:";
    public const string CreateNotice = Prefix + "prov:create:notice";
    public const string CreateFull = Prefix + "prov:create:full";
    public const string PutNotice = Prefix + "prov:put:notice";
    public const string PutFull = Prefix + "prov:put:full";
    public const string PatchNotice = Prefix + "prov:patch:notice";
    public const string PatchFull = Prefix + "prov:patch:full";
    public const string Delete = Prefix + "prov:delete";
    public const string Activate = Prefix + "prov:activate";
    public const string Deactivate = Prefix + "prov:deactivate";

    private const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static readonly JsonWebTokenHandler Handler = new();
    private static readonly Dictionary<string, object> Header = new(StringComparer.Ordinal) { ["typ"] = "secevent+jwt" };

    /// <summary>The event URIs a receiver can get: of its form (notice or full) and the others.</summary>
    public static IEnumerable<string> Uris(bool full) =>
        full ? [CreateFull, PutFull, PatchFull, Delete, Activate, Deactivate] : [CreateNotice, PutNotice, PatchNotice, Delete, Activate, Deactivate];

    /// <summary>The signed SET of one event for one receiver.</summary>
    public string Write(ScimChangeEvent change, ScimEventReceiver receiver) =>
        Handler.CreateToken(Claims(change, receiver).ToJsonString(), credentials, Header);

    /// <summary>The SET's claims.</summary>
    public JsonObject Claims(ScimChangeEvent change, ScimEventReceiver receiver)
    {
        var type = registry.FindResourceType(change.ResourceType);
        var endpoint = type?.Endpoint ?? "/" + change.ResourceType + "s";
        var subject = new JsonObject
        {
            ["format"] = "scim",
            ["uri"] = endpoint.TrimEnd('/') + "/" + change.ResourceId,
            ["id"] = change.ResourceId,
        };
        if (change.ExternalId is { } externalId)
        {
            subject["externalId"] = externalId;
        }

        var claims = new JsonObject
        {
            ["iss"] = issuer,
            ["iat"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["jti"] = change.EventId,
            ["aud"] = receiver.Audience,
            ["toe"] = change.Time.ToUnixTimeSeconds(),
            ["sub_id"] = subject,
            ["events"] = Events(change, type, receiver.FullEvents),
        };
        if (change.Transaction is { } transaction)
        {
            claims["txn"] = transaction;
        }

        var audit = new JsonObject { ["tenant"] = change.Tenant };
        if (change.Actor is { } actor)
        {
            audit["actor"] = actor;
        }

        if (change.Method is { } method)
        {
            audit["method"] = method;
        }

        if (change.Dialects.Count > 0)
        {
            audit["dialects"] = new JsonArray([.. change.Dialects.Select(d => (JsonNode?)d)]);
        }

        claims["scim_audit"] = audit;
        return claims;
    }

    private JsonObject Events(ScimChangeEvent change, ScimResourceType? type, bool full)
    {
        // Full forms need the resource (a PATCH's member changes travel as ids without it); an event
        // written without it (EventResources was off, or the receiver turned FullEvents on later)
        // is sent as a notice.
        full &= change.Resource is not null || (change.Kind is ScimChangeKind.MembersAdded or ScimChangeKind.MembersRemoved && change.Method != "PUT");
        var events = new JsonObject();
        switch (change.Kind)
        {
            case ScimChangeKind.Deleted:
                events[Delete] = new JsonObject();
                return events;
            case ScimChangeKind.Created:
                events[full ? CreateFull : CreateNotice] = full
                    ? new JsonObject { ["data"] = change.Resource!.DeepClone() }
                    : new JsonObject { ["attributes"] = Names(change.ChangedPaths) };
                return events;
        }

        var replace = change.Method == "PUT";
        var payload = new JsonObject();
        if (change.Version is { } version)
        {
            payload["version"] = version;
        }

        if (!full)
        {
            payload["attributes"] = Names(change.ChangedPaths);
        }
        else if (replace)
        {
            payload["data"] = change.Resource!.DeepClone();
        }
        else
        {
            payload["data"] = PatchOp(change, type);
        }

        events[replace ? (full ? PutFull : PutNotice) : (full ? PatchFull : PatchNotice)] = payload;
        if (change.Kind == ScimChangeKind.Activated)
        {
            events[Activate] = new JsonObject();
        }
        else if (change.Kind == ScimChangeKind.Deactivated)
        {
            events[Deactivate] = new JsonObject();
        }

        return events;
    }

    private static JsonArray Names(IReadOnlyList<string> paths) => [.. paths.Distinct(StringComparer.OrdinalIgnoreCase).Select(p => (JsonNode?)p)];

    /// <summary>
    /// The PATCH equivalent to the change (RFC 9967's <c>patch:full</c> carries "the equivalent SCIM
    /// command processed"): each changed attribute replaced with its new value or removed, members
    /// added and removed by id; secrets are left out.
    /// </summary>
    private JsonObject PatchOp(ScimChangeEvent change, ScimResourceType? type)
    {
        var operations = new JsonArray();
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in change.ChangedPaths)
        {
            if (type is null || !registry.TryResolveAttribute(type, path, out var resolved, out _) || resolved.Attribute.Name.Equals("members", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var attribute = resolved.Attribute;
            if (attribute.Mutability == Mutability.WriteOnly || attribute.Returned == Returned.Never)
            {
                continue; // a secret: the receiver learns from the notice that it changed, never its value
            }

            var name = resolved.IsExtension ? resolved.Schema.Id + ":" + attribute.Name : attribute.Name;
            if (!done.Add(name))
            {
                continue;
            }

            var owner = resolved.IsExtension ? change.Resource?[resolved.Schema.Id] as JsonObject : change.Resource;
            operations.Add(owner?[attribute.Name] is { } value
                ? new JsonObject { ["op"] = "replace", ["path"] = name, ["value"] = value.DeepClone() }
                : new JsonObject { ["op"] = "remove", ["path"] = name });
        }

        if (change.AddedMemberIds.Count > 0)
        {
            operations.Add(new JsonObject
            {
                ["op"] = "add",
                ["path"] = "members",
                ["value"] = new JsonArray([.. change.AddedMemberIds.Select(id => (JsonNode?)new JsonObject { ["value"] = id })]),
            });
        }

        foreach (var id in change.RemovedMemberIds)
        {
            operations.Add(new JsonObject { ["op"] = "remove", ["path"] = "members[value eq " + JsonSerializer.Serialize(id) + "]" });
        }

        return new JsonObject { ["schemas"] = new JsonArray(PatchOpSchema), ["Operations"] = operations };
    }
}
