// The database's healthcheck: logs in as the administrator (the password from its secret, never on a
// command line), initiates the single-node replica set on the first run, and passes once this member
// is primary.
const admin = db.getSiblingDB("admin");
admin.auth(process.env.MONGO_INITDB_ROOT_USERNAME || "root", fs.readFileSync("/run/secrets/mongo_root_password", "utf8").trim());
try {
  rs.status();
} catch (error) {
  rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] });
}
if (!admin.runCommand({ hello: 1 }).isWritablePrimary) {
  quit(1);
}
