namespace Scim.Core.Serialization;

/// <summary>
/// The names of the unknown attributes dropped while one request was read or applied on this
/// thread (<see cref="UnknownAttributeHandling.Ignore"/>), for the service to log. Reading and
/// PATCH are synchronous, so the collection started before them holds exactly their names. Names
/// only: never the values that came with them.
/// </summary>
internal static class IgnoredAttributes
{
    [ThreadStatic]
    private static bool t_collecting;

    [ThreadStatic]
    private static List<string>? t_names;

    /// <summary>Starts collecting (forgets earlier names on this thread).</summary>
    public static void Begin()
    {
        t_collecting = true;
        t_names = null;
    }

    /// <summary>Notes a dropped attribute, once per name; nothing when no collection was begun (a host's own use of the serializer).</summary>
    /// <param name="name">Its path as the client spelled it (<c>adreses</c>, <c>name.middleNam</c>, a schema URN).</param>
    public static void Note(string name)
    {
        if (!t_collecting)
        {
            return;
        }

        var names = t_names ??= [];
        if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            names.Add(name);
        }
    }

    /// <summary>The names noted since <see cref="Begin"/>; collecting stops.</summary>
    /// <returns>The names, in the order first seen; empty when none.</returns>
    public static IReadOnlyList<string> End()
    {
        var names = t_names;
        t_names = null;
        t_collecting = false;
        return names ?? (IReadOnlyList<string>)[];
    }
}
