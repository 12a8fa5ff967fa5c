// A service made for the original code.store: its schema, and the migration the original platform
// generated for it (TypeORM 0.2's migration:generate: `"id" BIGSERIAL`, `character varying`).
export const ORIGINAL_SCHEMA = `type Post {
  id: ID!
  title: String!
  body: String!
}

type Query {
  allPosts: [Post!]!
}
`;

export const ORIGINAL_MIGRATION_FILE = '1601234567890-Init.ts';

export const ORIGINAL_MIGRATION = `import {MigrationInterface, QueryRunner} from "typeorm";

export class Init1601234567890 implements MigrationInterface {
    name = 'Init1601234567890'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`CREATE TABLE "Post" ("id" BIGSERIAL NOT NULL, "title" character varying NOT NULL, "body" character varying NOT NULL, CONSTRAINT "PK_c4d3b3dcd73db0b0129ea829f9f" PRIMARY KEY ("id"))\`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`DROP TABLE "Post"\`);
    }

}
`;
