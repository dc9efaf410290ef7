using System.Text.RegularExpressions;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// A mapped path that names one type's value of a multi-valued attribute, as the identity
/// providers' own attribute mappings write it: <c>emails[type eq "work"].value</c>,
/// <c>phoneNumbers[type eq "mobile"].value</c>, <c>addresses[type eq "work"].locality</c>.
/// </summary>
/// <param name="Attribute">The multi-valued attribute's path (<c>emails</c>, or with its schema URN).</param>
/// <param name="Type">The value's <c>type</c>, as written.</param>
/// <param name="Sub">The sub-attribute the member keeps.</param>
internal sealed partial record TypedValuePath(string Attribute, string Type, string Sub)
{
    /// <summary>The path as an ordinary sub-attribute path, <c>emails.value</c>, which the schemas resolve.</summary>
    public string SubPath => $"{Attribute}.{Sub}";

    /// <summary>The typed-value path written in <paramref name="path"/>, or <see langword="null"/> for any other path.</summary>
    public static TypedValuePath? Parse(string path)
    {
        var match = Pattern().Match(path);
        return match.Success ? new TypedValuePath(match.Groups["attribute"].Value, match.Groups["type"].Value, match.Groups["sub"].Value) : null;
    }

    [GeneratedRegex("""^\s*(?<attribute>[^\[\]\s]+)\[\s*type\s+eq\s+"(?<type>[^"\\]+)"\s*\]\.(?<sub>[A-Za-z][A-Za-z0-9_$-]*)\s*$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
