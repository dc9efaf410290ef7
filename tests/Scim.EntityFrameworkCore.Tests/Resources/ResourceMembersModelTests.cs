using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace Scim.EntityFrameworkCore.Tests.Resources;

/// <summary>The membership table's link to the table of other resource types, as the model builder extensions set it up.</summary>
public sealed class ResourceMembersModelTests
{
    private static IModel Build(Action<ModelBuilder> configure)
    {
        // The provider's conventions, so the model is the one a SQLite context would have.
        var builder = SqliteConventionSetBuilder.CreateModelBuilder();
        configure(builder);
        return builder.FinalizeModel();
    }

    [Fact]
    public void ApplyScimModelAndApplyScimResources_EitherOrder_MembershipRowsReferToResourcesWithACascadingKey()
    {
        foreach (var model in new[] { Build(b => b.ApplyScimModel().ApplyScimResources()), Build(b => b.ApplyScimResources().ApplyScimModel()) })
        {
            var members = model.FindEntityType(typeof(ScimGroupMemberEntity))!;
            var key = Assert.Single(members.GetForeignKeys(), k => k.PrincipalEntityType.ClrType == typeof(ScimResourceEntity));

            Assert.Equal([nameof(ScimGroupMemberEntity.ResourceType), nameof(ScimGroupMemberEntity.ResourceId)], key.Properties.Select(p => p.Name));
            Assert.Equal(DeleteBehavior.Cascade, key.DeleteBehavior);
            Assert.False(key.IsRequired);
            Assert.Equal(64, members.FindProperty(nameof(ScimGroupMemberEntity.ResourceId))!.GetMaxLength());
        }
    }

    [Fact]
    public void ApplyScimModelAlone_MembershipTableKeepsItsColumns()
    {
        var members = Build(b => b.ApplyScimModel()).FindEntityType(typeof(ScimGroupMemberEntity))!;

        Assert.Equal(["GroupId", "MemberId", "NestedGroupId", "UserId"], members.GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
