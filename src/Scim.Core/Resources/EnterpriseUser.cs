using System.Text.Json.Serialization;

namespace Scim.Core.Resources;

/// <summary>The Enterprise User extension (RFC 7643 §4.3).</summary>
public sealed class EnterpriseUser
{
    /// <summary>A string identifier, typically numeric or alphanumeric, assigned to a person by the organization.</summary>
    public string? EmployeeNumber { get; set; }

    /// <summary>The name of a cost center.</summary>
    public string? CostCenter { get; set; }

    /// <summary>The name of an organization.</summary>
    public string? Organization { get; set; }

    /// <summary>The name of a division.</summary>
    public string? Division { get; set; }

    /// <summary>The name of a department.</summary>
    public string? Department { get; set; }

    /// <summary>The user's manager.</summary>
    public Manager? Manager { get; set; }

    /// <summary>Whether no attribute has a value (the extension is then left out of <c>schemas</c> and of the JSON).</summary>
    [JsonIgnore]
    public bool IsEmpty =>
        EmployeeNumber is null && CostCenter is null && Organization is null && Division is null && Department is null
        && (Manager is null || (Manager.Value is null && Manager.Ref is null && Manager.DisplayName is null));
}

/// <summary>The manager of a user (Enterprise User <c>manager</c>).</summary>
public sealed class Manager
{
    /// <summary>The <c>id</c> of the manager's User resource.</summary>
    public string? Value { get; set; }

    /// <summary>The URI of the manager's User resource.</summary>
    [JsonPropertyName("$ref")]
    public string? Ref { get; set; }

    /// <summary>The manager's display name (readOnly).</summary>
    public string? DisplayName { get; set; }
}
