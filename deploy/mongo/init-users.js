// One database user per service, each with readWrite on its own database only (docs/security.md,
// "Database users"): a service that reaches the server still cannot read another's data.
// The mongo image's entrypoint runs this once, on the first start with an empty data folder, before
// access control is on. Passwords come from compose secrets, never from this file or a command line.
const services = ["intake", "eligibility", "notification", "reporting"];
const admin = db.getSiblingDB("admin");
for (const service of services) {
  const pwd = fs.readFileSync(`/run/secrets/mongo_${service}_password`, "utf8").trim();
  admin.createUser({ user: service, pwd, roles: [{ role: "readWrite", db: service }] });
  print(`made database user ${service}`);
}
