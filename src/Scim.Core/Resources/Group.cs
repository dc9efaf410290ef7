using System.Text.Json.Serialization;
using Scim.Core.Schema;

namespace Scim.Core.Resources;

/// <summary>A Group resource (RFC 7643 §4.2).</summary>
public sealed class Group : ScimResource
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string CoreSchema => ScimSchemaUris.Group;

    /// <summary>A human-readable name for the group (required).</summary>
    public string? DisplayName { get; set; }

    /// <summary>The members: users or other groups.</summary>
    public List<GroupMember> Members { get; set; } = [];
}

/// <summary>A member of a group (<c>members</c>).</summary>
public sealed class GroupMember
{
    /// <summary>The member's <c>id</c> (immutable).</summary>
    public string? Value { get; set; }

    /// <summary>The URI of the member resource (immutable).</summary>
    [JsonPropertyName("$ref")]
    public string? Ref { get; set; }

    /// <summary>The member's display name (readOnly).</summary>
    public string? Display { get; set; }

    /// <summary>The member's resource type: <c>User</c> or <c>Group</c> (immutable).</summary>
    public string? Type { get; set; }
}
