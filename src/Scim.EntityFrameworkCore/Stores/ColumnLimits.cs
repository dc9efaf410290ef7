using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Scim.Core.Errors;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// Refuses, before anything is written, a value longer than its column allows (the model's
/// <c>HasMaxLength</c>): 400 <c>invalidValue</c> naming the attribute, where the database would
/// have failed (PostgreSQL) or silently kept it (SQLite, which does not enforce lengths).
/// </summary>
internal static class ColumnLimits
{
    /// <summary>Checks the strings of every row the context is about to insert or update.</summary>
    /// <param name="db">The context.</param>
    /// <param name="attributeOf">The SCIM attribute a row's property holds, for the message; <see langword="null"/> for the property's name.</param>
    public static void Check(DbContext db, Func<EntityEntry, string, string?> attributeOf)
    {
        // SQL Server's nvarchar(n) counts UTF-16 code units; PostgreSQL's varchar(n) counts
        // characters, so a character outside the BMP (an emoji, two units) counts once there, as
        // it is counted here for every provider but SQL Server (SQLite keeps any length).
        var countsUnits = db.Database.ProviderName?.Contains("SqlServer", StringComparison.Ordinal) == true;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is string text && property.Metadata.GetMaxLength() is { } max && text.Length > max
                    && (countsUnits ? text.Length : Characters(text)) is var length && length > max)
                {
                    var attribute = attributeOf(entry, property.Metadata.Name) ?? property.Metadata.Name;
                    throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{attribute}' is {length} characters long; this service keeps at most {max}.");
                }
            }
        }
    }

    /// <summary>The characters (code points) of a text: a surrogate pair is one.</summary>
    private static int Characters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
