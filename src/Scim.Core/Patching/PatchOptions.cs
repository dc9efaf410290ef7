namespace Scim.Core.Patching;

/// <summary>
/// Shapes of PATCH requests that identity providers send and a strict reading of RFC 7644
/// rejects. All are accepted by default; remove a flag to reject that shape, or use
/// <see cref="None"/> for RFC-only behaviour. docs/patch.md shows each with the IdP that sends it.
/// </summary>
[Flags]
public enum PatchDialects
{
    /// <summary>RFC 7644 only.</summary>
    None = 0,

    /// <summary><c>"op": "Replace"</c>, <c>"Add"</c>, <c>"Remove"</c> in any case (Entra ID).</summary>
    OperationNameAnyCase = 1,

    /// <summary>Booleans as strings, <c>"True"</c> / <c>"False"</c> in any case (Entra ID), in PATCH values and in POST, PUT and Bulk bodies alike.</summary>
    BooleanStrings = 2,

    /// <summary>A no-path operation whose value has dotted keys (<c>"name.givenName"</c>) or URN-qualified keys (<c>"urn:...:enterprise:2.0:User:employeeNumber"</c>) (Entra ID).</summary>
    DottedAndQualifiedKeys = 4,

    /// <summary>A plain id where a complex value with <c>value</c> is expected: the manager as a string (Entra ID), members as bare ids (other clients).</summary>
    StringAsValue = 8,

    /// <summary><c>{"op":"remove","path":"members","value":[{"value":"id"}]}</c> removes the listed values only, not all (Entra ID).</summary>
    RemoveListedValues = 16,

    /// <summary><c>replace</c> of <c>emails[type eq "work"].value</c> when no work email exists creates it (Entra ID).</summary>
    CreateOnFilterMiss = 32,

    /// <summary>A one-element array where one value is expected, and one value where an array is expected.</summary>
    ArrayShapes = 64,

    /// <summary>The PatchOp message key <c>Operations</c> and the message URN in any case; read-only attributes (<c>id</c>, <c>meta</c>) inside a no-path value ignored.</summary>
    MessageCasing = 128,

    /// <summary>Every dialect (the default).</summary>
    All = OperationNameAnyCase | BooleanStrings | DottedAndQualifiedKeys | StringAsValue | RemoveListedValues | CreateOnFilterMiss | ArrayShapes | MessageCasing,
}

/// <summary>Options for reading and applying PATCH requests.</summary>
public sealed class PatchOptions
{
    /// <summary>Which identity-provider dialects are accepted.</summary>
    /// <value>Defaults to <see cref="PatchDialects.All"/>.</value>
    public PatchDialects Dialects { get; set; } = PatchDialects.All;

    /// <summary>The most operations one PATCH request may hold; more is 400 <c>tooMany</c>.</summary>
    /// <value>Defaults to 1,000.</value>
    public int MaxOperations { get; set; } = 1000;
}
