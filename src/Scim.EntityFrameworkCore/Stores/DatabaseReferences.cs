using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// What the host's other rows do when a row the stores delete is referred to by them, done in SQL
/// as EF Core would do it for rows it tracks. EF Core's defaults for a relationship it maps, which
/// many hosts keep, are carried out by EF Core itself and only for loaded rows: an optional
/// reference (<c>ManagerId</c>) is <see cref="DeleteBehavior.ClientSetNull"/>, which the database
/// knows as <c>NO ACTION</c>; <see cref="DeleteBehavior.ClientCascade"/> likewise. A store deletes a
/// row without loading who refers to it, so the database refused the delete. Before the delete,
/// this sets such references to NULL and deletes such dependent rows (a loaded one is let go of). A reference the host made
/// <see cref="DeleteBehavior.Restrict"/> or <see cref="DeleteBehavior.NoAction"/> stays, and the
/// database refuses the delete (a 409 that names the constraint where the provider tells it);
/// <see cref="DeleteBehavior.Cascade"/> and <see cref="DeleteBehavior.SetNull"/> are the database's.
/// </summary>
internal static class DatabaseReferences
{
    /// <summary>Releases the references to <paramref name="entity"/> that EF Core would release for loaded rows.</summary>
    public static async Task ReleaseAsync(DbContext db, object entity, CancellationToken cancellationToken)
    {
        if (db.Model.FindEntityType(entity.GetType()) is not { } principal)
        {
            return;
        }

        ISqlGenerationHelper? sql = null;
        foreach (var reference in principal.GetReferencingForeignKeys())
        {
            var delete = reference.DeleteBehavior == DeleteBehavior.ClientCascade;
            var setNull = reference.DeleteBehavior == DeleteBehavior.ClientSetNull && reference.Properties.All(p => p.IsNullable);
            var dependent = reference.DeclaringEntityType;
            if ((!delete && !setNull) || reference.IsOwnership || dependent.IsOwned() || dependent.GetTableName() is not { } table)
            {
                continue;
            }

            var store = StoreObjectIdentifier.Table(table, dependent.GetSchema());
            var columns = reference.Properties.Select(p => p.GetColumnName(store)).ToList();
            var values = reference.PrincipalKey.Properties.Select(p => db.Entry(entity).Property(p.Name).CurrentValue).ToArray();
            if (columns.Any(c => c is null) || values.Any(v => v is null))
            {
                continue;
            }

            sql ??= db.GetService<ISqlGenerationHelper>();
            var where = string.Join(" AND ", columns.Select((c, i) => $"{sql.DelimitIdentifier(c!)} = {{{i}}}"));
            var statement = delete
                ? $"DELETE FROM {sql.DelimitIdentifier(table, store.Schema)} WHERE {where}"
                : $"UPDATE {sql.DelimitIdentifier(table, store.Schema)} SET {string.Join(", ", columns.Select(c => $"{sql.DelimitIdentifier(c!)} = NULL"))} WHERE {where}";
            await db.Database.ExecuteSqlRawAsync(statement, values!, cancellationToken).ConfigureAwait(false);
            if (delete)
            {
                // Deleted already: a loaded one is let go, or EF Core would delete it again when the principal goes.
                foreach (var loaded in db.ChangeTracker.Entries().Where(e => e.Metadata == dependent && !ReferenceEquals(e.Entity, entity)).ToList())
                {
                    if (reference.Properties.Select(p => loaded.Property(p.Name).CurrentValue).SequenceEqual(values))
                    {
                        loaded.State = EntityState.Detached;
                    }
                }
            }
        }
    }
}
