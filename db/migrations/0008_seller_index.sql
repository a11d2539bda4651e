-- precwatch schema v8: the listings that show a seller identifier.
--
-- The web UI's detail page finds one listing's seller cluster by walking
-- the link graph from it (listing -> its identifiers -> the listings that
-- show them -> ...), so its cost follows the cluster, not the database.
-- The second step needs this index: the primary key of listing_sellers
-- starts with the listing, not the seller.
CREATE INDEX listing_sellers_seller ON listing_sellers(seller_id, listing_id);
