using LiteDB;

namespace SecPlatform.ControlPlane.Storage.LiteDb;

/// <summary>The mapper of this store, never the global one, so no other LiteDB user changes its rules.</summary>
internal static class LiteDbMapper
{
    public static BsonMapper Create()
    {
        var mapper = new BsonMapper
        {
            // Stored strings must come back exactly: an audit row's hash covers them.
            EmptyStringToNull = false,
            TrimWhitespace = false,
            SerializeNullValues = false,
            EnumAsInteger = false,
        };
        mapper.UseLowerCaseDelimiter('_');

        // UTC ticks: exact to 100 ns and ordered as numbers, so range queries and the index compare instants.
        mapper.RegisterType(
            serialize: value => new BsonValue(value.UtcTicks),
            deserialize: bson => new DateTimeOffset(bson.AsInt64, TimeSpan.Zero));
        return mapper;
    }
}
